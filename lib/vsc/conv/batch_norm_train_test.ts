import assert from "node:assert/strict";
import { tf } from "../../tensor/tf.ts";
import { useBackend } from "../../tensor/backend.ts";
import { Rng } from "../../tensor/rng.ts";
import { batchNormTrainHost, batchNormTrainOps } from "./batch_norm_train.ts";

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`batchNormTrainHost() equals the composite of ops, values, moments and gradients, on ${backend}`, async () => {
    await useBackend(backend);
    const rng = new Rng(11);
    const before = tf.memory().numTensors;
    for (const shape of [[3, 4, 5, 2], [2, 2, 7, 6], [1, 1, 9, 3]] as [number, number, number, number][]) {
      const c = shape[3];
      const x = tf.tensor4d(rng.normalArray(shape.reduce((a, b) => a * b, 1)).map((v) => 3 * v + 1), shape);
      const gamma = tf.tensor1d(rng.normalArray(c)), beta = tf.tensor1d(rng.normalArray(c));
      const r = tf.tensor4d(rng.normalArray(x.size), shape); // a random cotangent
      const run = (f: typeof batchNormTrainOps) => {
        const moments: tf.Tensor[] = [];
        const { value, grads } = tf.tidy(() => {
          const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.mul(f(a as tf.Tensor4D, g, b, (m, v) => moments.push(tf.keep(m), tf.keep(v))), r));
          return tf.valueAndGrads(loss)([x, gamma, beta]);
        });
        return { value, grads, moments };
      };
      const host = run(batchNormTrainHost), ops = run(batchNormTrainOps);
      const label = `${backend} [${shape}]`;
      assert.ok(Math.abs(host.value.dataSync()[0] - ops.value.dataSync()[0]) < 1e-3, `loss ${label}`);
      for (const i of [0, 1, 2]) assert.ok(maxDiff(host.grads[i], ops.grads[i]) < 1e-4, `grad ${i} ${label}`);
      for (const i of [0, 1]) {
        assert.ok(maxDiff(host.moments[i], ops.moments[i]) < 1e-5, `moment ${i} ${label}`);
      }
      tf.dispose([
        x,
        gamma,
        beta,
        r,
        host.value,
        ops.value,
        ...host.grads,
        ...ops.grads,
        ...host.moments,
        ...ops.moments,
      ]);
    }
    assert.equal(tf.memory().numTensors, before);
  });
}
