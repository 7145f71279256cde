import { assert, assertEquals } from "../testing/assert.ts";
import { tf } from "./tf.ts";
import { useBackend } from "./backend.ts";
import { fastBlas, registerFastKernels, unregisterFastKernels } from "./kernels.ts";
import { type DenseParams, denseStack } from "./dense_stack.ts";
import { Rng } from "./rng.ts";

await useBackend("wasm");
registerFastKernels();
const haveBlas = fastBlas() !== null;

function dense(rng: Rng, din: number, dout: number): DenseParams {
  return {
    w: tf.tensor2d(rng.normalArray(din * dout), [din, dout]),
    b: tf.tensor1d(rng.normalArray(dout)),
  };
}

/** The same stack from tfjs ops: the reference. */
function reference(x: tf.Tensor2D, layers: DenseParams[], heads: DenseParams[]): tf.Tensor2D {
  return tf.tidy(() => {
    let h = x;
    for (const { w, b } of layers) h = tf.relu(tf.add(tf.matMul(h, w), b));
    return tf.concat(heads.map(({ w, b }) => tf.add(tf.matMul(h, w), b)), 1) as tf.Tensor2D;
  });
}

/** y and the gradients of Σ y ⊙ r with respect to every W and b. */
function valueAndGrads(
  f: typeof denseStack,
  x: tf.Tensor2D,
  layers: DenseParams[],
  heads: DenseParams[],
  r: tf.Tensor2D,
) {
  const params = [...layers, ...heads].flatMap((l) => [l.w, l.b]);
  return tf.tidy(() => {
    const y = f(x, layers, heads);
    const g = tf.grads((...ps: tf.Tensor[]) => {
      const n = layers.length;
      const pair = (i: number) => ({ w: ps[2 * i] as tf.Tensor2D, b: ps[2 * i + 1] as tf.Tensor1D });
      const ls = layers.map((_, i) => pair(i));
      const hs = heads.map((_, i) => pair(n + i));
      return tf.sum(tf.mul(f(x, ls, hs), r));
    })(params);
    return { y: y.arraySync().flat(), grads: g.map((t) => Array.from(t.dataSync())) };
  });
}

function maxRelativeError(a: number[], b: number[]): number {
  let scale = 1e-6, err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return err / scale;
}

for (
  const [label, B, widths, K, H] of [
    ["small, odd sizes", 3, [5, 7, 4], 3, 2],
    ["the paper's encoder", 100, [256, 512, 1024, 512, 256], 256, 3],
    ["no backbone", 4, [6], 5, 2],
  ] as const
) {
  Deno.test({
    name: `denseStack equals the tfjs stack: ${label} (value exactly, gradients to float32 rounding)`,
    ignore: !haveBlas,
    fn() {
      const rng = new Rng(7);
      const x = tf.tensor2d(rng.normalArray(B * widths[0]), [B, widths[0]]);
      const layers = widths.slice(1).map((w, i) => dense(rng, widths[i], w));
      const heads = Array.from({ length: H }, () => dense(rng, widths.at(-1)!, K));
      const r = tf.tensor2d(rng.normalArray(B * H * K), [B, H * K]);
      const before = tf.memory().numTensors;
      const ours = valueAndGrads(denseStack, x, layers, heads, r);
      const ref = valueAndGrads(reference, x, layers, heads, r);
      assertEquals(tf.memory().numTensors, before, "tensors leaked");
      assertEquals(ours.y, ref.y);
      ours.grads.forEach((g, i) => {
        const err = maxRelativeError(g, ref.grads[i]);
        assert(err < 1e-5, `gradient ${i}: max error ${err} of its largest entry`);
      });
      tf.dispose([x, r, ...[...layers, ...heads].flatMap((l) => [l.w, l.b])]);
    },
  });
}

Deno.test({
  name: "denseStack refuses to run without the OpenBLAS kernels",
  ignore: !haveBlas,
  fn() {
    unregisterFastKernels();
    try {
      const x = tf.zeros([1, 1]) as tf.Tensor2D;
      let message = "";
      try {
        denseStack(x, [], [{ w: tf.zeros([1, 1]) as tf.Tensor2D, b: tf.zeros([1]) as tf.Tensor1D }]);
      } catch (e) {
        message = (e as Error).message;
      }
      assert(message.startsWith("Cannot run denseStack"), message);
    } finally {
      registerFastKernels();
    }
  },
});
