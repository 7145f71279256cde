import { assertAlmostEquals } from "../testing/assert.ts";
import { Rng } from "../tensor/rng.ts";
import { leastSquaresDictionary, pseudoInverseSymmetric } from "./least_squares_dictionary.ts";
import { matMul64, plantedCodes, transpose64 } from "./_testing.ts";

Deno.test("leastSquaresDictionary() recovers a planted A exactly from noise-free Y = Z Aᵀ", () => {
  // Float32 inputs are exact copies of float64 products only up to rounding, so agreement is to 1e-5.
  const rng = new Rng(50);
  const [n, d, k] = [400, 12, 8];
  const aTrue = Float64Array.from(rng.fork("A").normalArray(d * k));
  const z = plantedCodes(rng.fork("Z"), n, k, 3, 0.5, 2);
  const y = Float32Array.from(matMul64(z, transpose64(aTrue, d, k), n, k, d));
  const a = leastSquaresDictionary(y, z, { n, d, k });
  for (let i = 0; i < d * k; i++) assertAlmostEquals(a[i], aTrue[i], 1e-5);
});

Deno.test("leastSquaresDictionary() with rank-deficient codes gives the minimum-norm (pinv) solution", () => {
  // Latent 3 is never active (its atom must come out 0) and latent 2 always equals latent 1, so only
  // a1 + a2 is identifiable and pinv splits it evenly: both columns become (a1 + a2)/2.
  const rng = new Rng(51);
  const [n, d, k] = [300, 5, 4];
  const aTrue = Float64Array.from(rng.fork("A").normalArray(d * k));
  const z = new Float64Array(n * k);
  const g = rng.fork("Z").normalArray(n * 2);
  for (let s = 0; s < n; s++) {
    z[s * k] = g[2 * s];
    z[s * k + 1] = g[2 * s + 1];
    z[s * k + 2] = g[2 * s + 1];
  }
  const y = matMul64(z, transpose64(aTrue, d, k), n, k, d);
  const a = leastSquaresDictionary(y, z, { n, d, k });
  for (let p = 0; p < d; p++) {
    assertAlmostEquals(a[p * k], aTrue[p * k], 1e-10);
    const half = (aTrue[p * k + 1] + aTrue[p * k + 2]) / 2;
    assertAlmostEquals(a[p * k + 1], half, 1e-10);
    assertAlmostEquals(a[p * k + 2], half, 1e-10);
    assertAlmostEquals(a[p * k + 3], 0, 1e-12);
  }
});

Deno.test("pseudoInverseSymmetric() satisfies the Moore–Penrose condition A A⁺ A = A for a singular matrix", () => {
  // A = u uᵀ + 2 w wᵀ (rank 2 in 3 dimensions)
  const u = [1, 2, 2].map((x) => x / 3), w = [2, 1, -2].map((x) => x / 3);
  const a = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) a[r * 3 + c] = u[r] * u[c] + 2 * w[r] * w[c];
  const p = pseudoInverseSymmetric(a, 3);
  const apa = matMul64(matMul64(a, p, 3, 3, 3), a, 3, 3, 3);
  for (let i = 0; i < 9; i++) assertAlmostEquals(apa[i], a[i], 1e-12);
  // and A⁺ = u uᵀ + ½ w wᵀ
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) assertAlmostEquals(p[r * 3 + c], u[r] * u[c] + 0.5 * w[r] * w[c], 1e-12);
  }
});
