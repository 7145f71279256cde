import { assert, assertAlmostEquals, assertThrows } from "../testing/assert.ts";
import { Rng } from "../tensor/rng.ts";
import { frechetDistance, frechetDistanceFromFeatures, gaussianStatistics } from "./frechet.ts";

const diag = (v: number[]) => {
  const n = v.length;
  const m = new Float64Array(n * n);
  v.forEach((x, i) => (m[i * n + i] = x));
  return m;
};

Deno.test("frechetDistance() of diagonal Gaussians equals ‖μ₁ − μ₂‖² + Σ(√a − √b)²", () => {
  const a = [0.5, 2, 3, 0.1, 7], b = [1, 1, 4, 0.2, 0.3];
  const m1 = [0, 1, 2, 3, 4], m2 = [1, 1, 0, 3, 5];
  let expected = 0;
  for (let i = 0; i < 5; i++) expected += (m1[i] - m2[i]) ** 2 + (Math.sqrt(a[i]) - Math.sqrt(b[i])) ** 2;
  const s1 = { mean: Float64Array.from(m1), cov: diag(a), dim: 5 };
  const s2 = { mean: Float64Array.from(m2), cov: diag(b), dim: 5 };
  assertAlmostEquals(frechetDistance(s1, s2), expected, 1e-12);
  assertAlmostEquals(frechetDistance(s2, s1), expected, 1e-12);
});

Deno.test("frechetDistance() handles a singular covariance (zero variances) by the same closed form", () => {
  const s1 = { mean: new Float64Array(3), cov: diag([0, 4, 0]), dim: 3 };
  const s2 = { mean: new Float64Array(3), cov: diag([1, 1, 0]), dim: 3 };
  assertAlmostEquals(frechetDistance(s1, s2), 1 + 1 + 0, 1e-12);
});

Deno.test("frechetDistance() is invariant to a common rotation and symmetric in its arguments", () => {
  // Rotating both diagonal covariances by the same orthogonal Q leaves the distance unchanged.
  const c = Math.cos(0.7), s = Math.sin(0.7);
  const q = [c, -s, 0, s, c, 0, 0, 0, 1];
  const rot = (d: number[]) => {
    const m = new Float64Array(9);
    for (let r = 0; r < 3; r++) {
      for (let k = 0; k < 3; k++) {
        for (let j = 0; j < 3; j++) m[r * 3 + k] += q[r * 3 + j] * d[j] * q[k * 3 + j];
      }
    }
    return m;
  };
  const s1 = { mean: new Float64Array(3), cov: rot([4, 1, 2]), dim: 3 };
  const s2 = { mean: new Float64Array(3), cov: rot([1, 9, 2]), dim: 3 };
  assertAlmostEquals(frechetDistance(s1, s2), 1 + 4, 1e-12);
  // non-commuting covariances: symmetric in the arguments
  const s3 = { mean: new Float64Array(3), cov: diag([1, 2, 3]), dim: 3 };
  assertAlmostEquals(frechetDistance(s1, s3), frechetDistance(s3, s1), 1e-12);
});

Deno.test("frechetDistanceFromFeatures() of a set with itself is 0 and of shifted copies is the squared shift", () => {
  const rng = new Rng(60);
  const [n, f] = [300, 16];
  const x = rng.normalArray(n * f);
  for (let i = 0; i < n * f; i++) x[i] = x[i] * (1 + (i % f) / 4) + (i % 3);
  const trace = gaussianStatistics(x, [n, f]).cov.reduce((t, v, i) => (i % (f + 1) === 0 ? t + v : t), 0);
  assertAlmostEquals(frechetDistanceFromFeatures(x, [n, f], x, [n, f]), 0, 1e-9 * trace);
  const shifted = x.map((v) => v + 0.5);
  assertAlmostEquals(frechetDistanceFromFeatures(x, [n, f], shifted, [n, f]), f * 0.25, 1e-4);
});

Deno.test("gaussianStatistics() uses the unbiased covariance over features (np.cov(x, rowvar=False))", () => {
  // rows (1, 2), (3, 2), (5, 8): means (3, 4); cov = [[4, 6], [6, 12]]
  const { mean, cov } = gaussianStatistics(new Float64Array([1, 2, 3, 2, 5, 8]), [3, 2]);
  assert(mean[0] === 3 && mean[1] === 4, `mean ${mean}`);
  [4, 6, 6, 12].forEach((v, i) => assertAlmostEquals(cov[i], v, 1e-12));
  // more features than the four-way unrolled loop covers, against a direct double loop
  const rng = new Rng(61);
  const [n, f] = [7, 11];
  const x = rng.normalArray(n * f);
  const st = gaussianStatistics(x, [n, f]);
  for (let r = 0; r < f; r++) {
    for (let c = 0; c < f; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (x[i * f + r] - st.mean[r]) * (x[i * f + c] - st.mean[c]);
      assertAlmostEquals(st.cov[r * f + c], s / (n - 1), 1e-12);
    }
  }
});

Deno.test("frechetDistance() rejects statistics of different dimensions", () => {
  const s1 = { mean: new Float64Array(2), cov: diag([1, 1]), dim: 2 };
  const s2 = { mean: new Float64Array(1), cov: diag([1]), dim: 1 };
  assertThrows(() => frechetDistance(s1, s2), RangeError, "Cannot compute frechetDistance");
});

Deno.test("frechetDistanceFromFeatures() matches numpy/scipy (np.cov rowvar=False, scipy.linalg.sqrtm) on fixed data", () => {
  // Oracle: the same deterministic features in numpy 2.4 / scipy 1.17, FID = ‖Δμ‖² + tr Σ₁ + tr Σ₂ − 2 tr sqrtm(Σ₁Σ₂)
  // = 5.8450726256714205 (scipy's sqrtm carries ~1e-8 imaginary noise here, hence the 1e-6 tolerance).
  const feats = (n: number, f: number, a: number, b: number) => {
    const x = new Float64Array(n * f);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) {
        x[i * f + j] = Math.sin(a * i + 1.3 * j) + Math.cos(b * i * j + 0.5 * j) + 0.1 * j;
      }
    }
    return x;
  };
  const d = frechetDistanceFromFeatures(feats(50, 24, 0.37, 0.011), [50, 24], feats(60, 24, 0.29, 0.017), [
    60,
    24,
  ]);
  assertAlmostEquals(d, 5.8450726256714205, 1e-6);
});
