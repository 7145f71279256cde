import assert from "node:assert/strict";
import { tf } from "../../tensor/tf.ts";
import { useBackend } from "../../tensor/backend.ts";
import { Rng } from "../../tensor/rng.ts";
import { conv2d as conv2dHwnc, convTranspose2d as convTHwnc, fromHwnc, toHwnc } from "./conv_ops.ts";

const conv2d = (x: tf.Tensor4D, w: tf.Tensor4D, s: number, p: number) =>
  fromHwnc(conv2dHwnc(toHwnc(x), w, s, p));
const convTranspose2d = (x: tf.Tensor4D, w: tf.Tensor4D, s: number, p: number) =>
  fromHwnc(convTHwnc(toHwnc(x), w, s, p));

const cases = [
  { k: 4, s: 2, p: 1, h: 8 },
  { k: 4, s: 1, p: 0, h: 7 },
  { k: 4, s: 2, p: 0, h: 4 },
  { k: 4, s: 2, p: 0, h: 6 },
  { k: 4, s: 2, p: 1, h: 7 }, // size does not divide
  { k: 4, s: 1, p: 1, h: 5 },
];

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

// (3, 5): the transposed conv 5 → 3 takes the gathered form at stride 2; (1, 4): 4 → 1 the scatter form
const channelPairs = [[3, 5], [1, 4]];

Deno.test("conv2d() and convTranspose2d() (HWNC) match tfjs's NHWC kernels and gradients on the cpu backend", async () => {
  await useBackend("cpu");
  const rng = new Rng(1);
  for (
    const { k, s, p, h, ci, co } of cases.flatMap((c) => channelPairs.map(([ci, co]) => ({ ...c, ci, co })))
  ) {
    const n = 2;
    const x = tf.tensor4d(rng.normalArray(n * h * h * ci), [n, h, h, ci]);
    const w = tf.tensor4d(rng.normalArray(k * k * ci * co), [k, k, ci, co]);
    const padArg = p > 0 ? [[0, 0], [p, p], [p, p], [0, 0]] as never : "valid";
    const ours = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, p)))
    );
    const ref = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, padArg)))
    );
    const [g1, g2] = [ours([x, w]), ref([x, w])];
    assert.ok(maxDiff(conv2d(x, w, s, p), tf.conv2d(x, w, s, padArg)) < 1e-4);
    assert.ok(maxDiff(g1[0], g2[0]) < 1e-3, `dx k${k} s${s} p${p}`);
    assert.ok(maxDiff(g1[1], g2[1]) < 1e-3, `dw k${k} s${s} p${p}`);
    // The transposed conv below needs a size that maps back exactly.
    const ohh = Math.floor((h + 2 * p - k) / s) + 1;
    if ((ohh - 1) * s - 2 * p + k !== h) {
      tf.dispose([x, w, ...g1, ...g2]);
      continue;
    }
    // Transposed: input is the conv's output size, filter [k, k, Co=ci, Ci=co].
    const oh = Math.floor((h + 2 * p - k) / s) + 1;
    const xt = tf.tensor4d(rng.normalArray(n * oh * oh * co), [n, oh, oh, co]);
    const outShape: [number, number, number, number] = [n, h, h, ci];
    const tOurs = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(convTranspose2d(a as tf.Tensor4D, b as tf.Tensor4D, s, p)))
    );
    const tRef = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, s, padArg)))
    );
    const [t1, t2] = [tOurs([xt, w]), tRef([xt, w])];
    assert.deepEqual(convTranspose2d(xt, w, s, p).shape, outShape);
    assert.ok(maxDiff(t1[0], t2[0]) < 1e-3, `T dx k${k} s${s} p${p}`);
    assert.ok(maxDiff(t1[1], t2[1]) < 1e-3, `T dw k${k} s${s} p${p}`);
    tf.dispose([x, w, xt, ...g1, ...g2, ...t1, ...t2]);
  }
});

Deno.test("BatchNorm training gradients match autodiff of the plain formula", async () => {
  const { BatchNorm } = await import("./layers.ts");
  await useBackend("cpu");
  const rng = new Rng(5);
  const bn = new BatchNorm(3);
  bn.gamma.assign(tf.tensor1d([0.5, 1.5, -1]));
  bn.beta.assign(tf.tensor1d([0.1, 0, 0.2]));
  const x = tf.tensor4d(rng.normalArray(2 * 3 * 4 * 3), [2, 3, 4, 3]);
  const r = tf.tensor4d(rng.normalArray(2 * 3 * 4 * 3), [2, 3, 4, 3]);
  const plain = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const m = tf.moments(a, [0, 1, 2]);
    return tf.add(tf.mul(tf.div(tf.sub(a, m.mean), tf.sqrt(tf.add(m.variance, 1e-5))), g), b);
  };
  const ref = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(plain(a, g, b), r)))([
    x,
    bn.gamma,
    bn.beta,
  ]);
  const updates: never[] = [];
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(bn.forward(tf.mul(x, 1) as tf.Tensor4D, updates), r)) as tf.Scalar,
    [bn.gamma, bn.beta],
  );
  const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(bn.forward(a as tf.Tensor4D, []), r)))(x);
  assert.ok(maxDiff(grads[bn.gamma.name], ref[1]) < 1e-4);
  assert.ok(maxDiff(grads[bn.beta.name], ref[2]) < 1e-4);
  assert.ok(maxDiff(dx, ref[0]) < 1e-4);
  assert.ok(
    Math.abs(value.dataSync()[0] - tf.sum(tf.mul(plain(x, bn.gamma, bn.beta), r)).dataSync()[0]) < 1e-4,
  );
  assert.equal(updates.length, 1);
});

Deno.test("Conv's bias gradient is Σ dy over rows, and its other gradients those of conv + broadcast add", async () => {
  const { Conv } = await import("./layers.ts");
  for (const backend of ["cpu", "wasm"] as const) {
    await useBackend(backend);
    const rng = new Rng(9);
    const layer = new Conv(rng, 2, 3, 4, 2, 1, false);
    const x = tf.tensor4d(rng.normalArray(6 * 6 * 2 * 2), [6, 6, 2, 2]); // HWNC
    const r = tf.tensor4d(rng.normalArray(3 * 3 * 2 * 3), [3, 3, 2, 3]);
    const before = tf.memory().numTensors;
    const ours = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), r)) as tf.Scalar, [layer.w, layer.b]);
    const plain = tf.variableGrads(
      () => tf.sum(tf.mul(tf.add(conv2dHwnc(x, layer.w as tf.Tensor4D, 2, 1), layer.b), r)) as tf.Scalar,
      [layer.w, layer.b],
    );
    const rowSums = tf.sum(r, [0, 1, 2]);
    assert.ok(maxDiff(ours.grads[layer.b.name], rowSums) < 1e-5, backend);
    assert.ok(maxDiff(ours.grads[layer.b.name], plain.grads[layer.b.name]) < 1e-5, backend);
    assert.ok(maxDiff(ours.grads[layer.w.name], plain.grads[layer.w.name]) < 1e-5, backend);
    assert.ok(Math.abs(ours.value.dataSync()[0] - plain.value.dataSync()[0]) < 1e-4, backend);
    tf.dispose([
      ours.value,
      plain.value,
      ...Object.values(ours.grads),
      ...Object.values(plain.grads),
      rowSums,
    ]);
    assert.equal(tf.memory().numTensors, before, backend);
    tf.dispose([x, r, layer.w, layer.b]);
  }
});
