import { assertAlmostEquals, assertEquals, assertRejects } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { validationLoss } from "./validation_loss.ts";
import { matMul64, transpose64 } from "./_testing.ts";

await useBackend("cpu");

Deno.test("validationLoss() matches objective (10) computed by hand on a 2-datum example", async () => {
  // A = [[1, 0], [0, 2]], x1 = [1, 1], b1 = [1, 0] → residual [0, 1]; x2 = [0, 4], b2 = [0, -1] → residual [0, 6]
  // recon = (½·1 + ½·36)/2 = 9.25; l1 = (1 + 1)/2 = 1; ‖A‖²_F = 5 → γ·5 = 0.005; total = 9.25 + 20 + 0.005
  const a = tf.tensor2d([[1, 0], [0, 2]]);
  const x = tf.tensor2d([[1, 1], [0, 4]]);
  const codes = tf.tensor2d([[1, 0], [0, -1]]);
  const before = tf.memory().numTensors;
  const p = await validationLoss(a, { x, codes });
  assertEquals(tf.memory().numTensors, before);
  assertAlmostEquals(p.recon, 9.25, 1e-6);
  assertAlmostEquals(p.l1, 1, 1e-6);
  assertAlmostEquals(p.frobenius, 0.005, 1e-9);
  assertAlmostEquals(p.total, 29.255, 1e-5);
  assertEquals(p.n, 2);
  tf.dispose([a, x, codes]);
});

Deno.test("validationLoss() over batches equals validationLoss() over their concatenation", async () => {
  const rng = new Rng(30);
  const [d, k] = [6, 5];
  const a = tf.tensor2d(rng.normalArray(d * k), [d, k]);
  const xs = [3, 4].map((b) => tf.tensor2d(rng.normalArray(b * d), [b, d]));
  const cs = [3, 4].map((b) => tf.tensor2d(rng.normalArray(b * k), [b, k]));
  const split = await validationLoss(a, xs.map((x, i) => ({ x, codes: cs[i] })), {
    lambda: 2,
    gammaEval: 0.1,
  });
  const [x, codes] = [tf.concat(xs), tf.concat(cs)] as tf.Tensor2D[];
  const whole = await validationLoss(a, { x, codes }, { lambda: 2, gammaEval: 0.1 });
  assertAlmostEquals(split.total, whole.total, 1e-5);
  // and against float64
  const recon = matMul64(codes.dataSync(), transpose64(a.dataSync(), d, k), 7, k, d);
  const xv = x.dataSync();
  let r = 0;
  for (let i = 0; i < 7 * d; i++) r += 0.5 * (xv[i] - recon[i]) ** 2;
  assertAlmostEquals(whole.recon, r / 7, 1e-5);
  tf.dispose([a, x, codes, ...xs, ...cs]);
});

Deno.test("validationLoss() rejects codes whose width is not the number of atoms", async () => {
  const a = tf.zeros([2, 3]) as tf.Tensor2D;
  const x = tf.zeros([1, 2]) as tf.Tensor2D;
  const codes = tf.zeros([1, 2]) as tf.Tensor2D;
  await assertRejects(() => validationLoss(a, { x, codes }), RangeError, "Cannot compute validationLoss");
  tf.dispose([a, x, codes]);
});
