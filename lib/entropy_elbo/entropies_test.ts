import { assertAlmostEquals } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { diagonalGaussianEntropy, isotropicGaussianEntropy, laplaceEntropy } from "./entropies.ts";

await useBackend("cpu");

Deno.test("laplaceEntropy() is ln(2eλ) and isotropicGaussianEntropy() is (D/2)ln(2πeσ²)", () => {
  const l = laplaceEntropy(tf.tensor1d([0.1, 1, 3])).dataSync();
  [0.1, 1, 3].forEach((v, i) => assertAlmostEquals(l[i], Math.log(2 * Math.E * v), 1e-6));
  assertAlmostEquals(
    isotropicGaussianEntropy(tf.scalar(0.25), 256).dataSync()[0],
    128 * Math.log(2 * Math.PI * Math.E * 0.25),
    1e-3,
  );
});

Deno.test("diagonalGaussianEntropy() sums ½ln(2πe s²) over latents, per datum", () => {
  const h = diagonalGaussianEntropy(tf.tensor2d([[1, 2], [0.5, 0.5]])).dataSync();
  const c = Math.log(2 * Math.PI * Math.E);
  assertAlmostEquals(h[0], c + Math.log(2), 1e-6);
  assertAlmostEquals(h[1], c + 2 * Math.log(0.5), 1e-6);
});
