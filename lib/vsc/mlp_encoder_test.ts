import { assert, assertEquals } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { fastBlas, registerFastKernels, unregisterFastKernels } from "../tensor/kernels.ts";
import { Rng } from "../tensor/rng.ts";
import { MlpEncoder } from "./mlp_encoder.ts";

await useBackend("wasm");
registerFastKernels();
const haveBlas = fastBlas() !== null;

/** Heads and the gradients of Σ heads ⊙ r for every variable, read back. */
function headsAndGrads(enc: MlpEncoder, x: tf.Tensor2D, r: tf.Tensor2D) {
  return tf.tidy(() => {
    const heads = enc.forward(x);
    const { grads } = tf.variableGrads(
      () => tf.addN(Object.values(enc.forward(x)).map((h) => tf.sum(tf.mul(h, r)))) as tf.Scalar,
      enc.variables(),
    );
    return {
      heads: Object.values(heads).map((h) => Array.from(h.dataSync())),
      grads: enc.variables().map((v) => Array.from(grads[v.name].dataSync())),
    };
  });
}

Deno.test({
  name: "MlpEncoder: the fused stack (OpenBLAS) and the tfjs ops give the same heads and gradients",
  ignore: !haveBlas,
  fn() {
    const rng = new Rng(3);
    const enc = new MlpEncoder(["mu", "logscale", "spike"], rng.fork("enc"), {
      inputDim: 16,
      hidden: [32, 24],
      latentDim: 8,
    });
    const x = tf.tensor2d(rng.normalArray(5 * 16), [5, 16]);
    const r = tf.tensor2d(rng.normalArray(5 * 8), [5, 8]);
    const before = tf.memory().numTensors;
    const fused = headsAndGrads(enc, x, r);
    unregisterFastKernels();
    let plain;
    try {
      plain = headsAndGrads(enc, x, r);
    } finally {
      registerFastKernels();
    }
    assertEquals(tf.memory().numTensors, before, "tensors leaked");
    const close = (a: number[], b: number[], what: string) => {
      let scale = 1e-6, err = 0;
      for (let i = 0; i < a.length; i++) {
        scale = Math.max(scale, Math.abs(b[i]));
        err = Math.max(err, Math.abs(a[i] - b[i]));
      }
      assert(err / scale < 1e-5, `${what}: max error ${err} of its largest entry ${scale}`);
    };
    fused.heads.forEach((h, i) => close(h, plain.heads[i], `head ${i}`));
    fused.grads.forEach((g, i) => close(g, plain.grads[i], `gradient ${enc.variables()[i].name}`));
    tf.dispose([x, r]);
    enc.dispose();
  },
});
