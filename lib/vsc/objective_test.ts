import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { perSampleSquaredError, selectionWeights, vscObjective } from "./objective.ts";
import { Rng } from "../tensor/rng.ts";
import { assertEquals } from "../testing/assert.ts";
import { assertAllClose, assertClose, values } from "./_testing.ts";

await useBackend("cpu");

Deno.test("selectionWeights() puts all weight on argmin_j for max and 1/J for avg", () => {
  tf.tidy(() => {
    const loss = tf.tensor2d([[3, 1, 2], [0.5, 4, 0.7]]);
    assertAllClose(values(selectionWeights(loss, "max")), [0, 1, 0, 1, 0, 0], 0);
    assertAllClose(values(selectionWeights(loss, "avg")), [1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3], 1e-7);
    const w = values(selectionWeights(loss, "iwae"));
    assertClose(w[1], Math.exp(-1) / (Math.exp(-3) + Math.exp(-1) + Math.exp(-2)), 1e-6);
  });
});

Deno.test("vscObjective() on a hand example: max keeps the best sample, avg averages, weights carry no gradient", () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const recon = tf.tensor2d([[1, 3], [4, 2]]), kl = tf.tensor1d([10, 20]);
    // L = [[1 + 1, 3 + 1], [4 + 2, 2 + 2]] = [[2, 4], [6, 4]]
    const max = vscObjective(recon, kl, 0.1, "max");
    assertAllClose(max.perSample.dataSync(), [2, 4, 6, 4], 1e-6);
    assertAllClose(max.weights.dataSync(), [1, 0, 0, 1], 0);
    assertClose(max.loss.dataSync()[0], (2 + 4) / 2, 1e-6);
    assertClose(vscObjective(recon, kl, 0.1, "avg").loss.dataSync()[0], (3 + 5) / 2, 1e-6);
    // ∂loss/∂recon = w/B and ∂loss/∂kl = β·Σ_j w/B: the argmin is not differentiated
    const [gR, gK] = tf.grads((r: tf.Tensor, k: tf.Tensor) =>
      vscObjective(r as tf.Tensor2D, k as tf.Tensor1D, 0.1, "max").loss
    )([recon, kl]);
    assertAllClose(values(gR), [0.5, 0, 0, 0.5], 1e-7);
    assertAllClose(values(gK), [0.05, 0.05], 1e-7);
  });
  if (tf.memory().numTensors !== before) throw new Error("leak");
});

Deno.test("vscObjective() rejects mismatched shapes", () => {
  tf.tidy(() => {
    try {
      vscObjective(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([3]) as tf.Tensor1D, 1, "max");
    } catch (e) {
      if (!(e instanceof RangeError) || !e.message.startsWith("Cannot compute vscObjective")) throw e;
      return;
    }
    throw new Error("expected a RangeError");
  });
});

Deno.test("perSampleSquaredError() and its gradients equal the op-graph formula, on cpu and on wasm", async () => {
  const [B, J, D] = [3, 4, 5];
  const rng = new Rng(11);
  const xv = rng.normalArray(B * D), xhv = rng.normalArray(B * J * D), cv = rng.normalArray(B * J);
  // the reference: x repeated J times, mean over pixels; c weights the samples (zeros: unselected)
  cv[1] = 0;
  const reference = () =>
    tf.tidy(() => {
      const f = (xh: tf.Tensor, x: tf.Tensor) => {
        const rep = tf.reshape(tf.tile(tf.expandDims(x, 1), [1, J, 1]), [B * J, D]);
        return tf.sum(
          tf.mul(tf.reshape(tf.mean(tf.square(tf.sub(xh, rep)), 1), [B, J]), tf.tensor2d(cv, [B, J])),
        );
      };
      const [gXhat, gX] = tf.grads(f)([tf.tensor2d(xhv, [B * J, D]), tf.tensor2d(xv, [B, D])]);
      return [gXhat.dataSync(), gX.dataSync()];
    });
  const ours = () => {
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => {
      const f = (xh: tf.Tensor, x: tf.Tensor) =>
        tf.sum(tf.mul(perSampleSquaredError(xh as tf.Tensor2D, x as tf.Tensor2D), tf.tensor2d(cv, [B, J])));
      const [gXhat, gX] = tf.grads(f)([tf.tensor2d(xhv, [B * J, D]), tf.tensor2d(xv, [B, D])]);
      const value = perSampleSquaredError(tf.tensor2d(xhv, [B * J, D]), tf.tensor2d(xv, [B, D]));
      return [gXhat.dataSync(), gX.dataSync(), value.dataSync()];
    });
    assertEquals(tf.memory().numTensors, before, `tensors left on ${tf.getBackend()}`);
    return out;
  };
  const [refXhat, refX] = reference();
  for (const backend of ["cpu", "wasm"] as const) {
    await useBackend(backend);
    const [gXhat, gX, value] = ours();
    assertAllClose(gXhat, refXhat, 1e-6, 1e-5, `∂/∂x̂ on ${backend}`);
    assertAllClose(gX, refX, 1e-6, 1e-5, `∂/∂x on ${backend}`);
    let e = 0;
    for (let d = 0; d < D; d++) e += (xhv[J * D + d] - xv[D + d]) ** 2; // b = 1, j = 0
    assertClose(value[J], e / D, 1e-6, 1e-6, `value on ${backend}`);
  }
  await useBackend("cpu");
});
