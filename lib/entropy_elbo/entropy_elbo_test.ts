import { assert, assertAlmostEquals, assertEquals } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { entropyElbo } from "./entropy_elbo.ts";
import { optimalLambda } from "./optimal_parameters.ts";

await useBackend("cpu");

/**
 * Monte Carlo estimate of the standard ELBO (1/N) Σ_n { E_q[log N(x_n; W̃z, σ²I) + Σ_h log Laplace(z_h; 0, λ_h)] + H[q_n] }
 * for Gaussian q_n = N(μ_n, L_n L_nᵀ), with its standard error. `l` holds each L_n row-major (a diagonal posterior
 * is `diagonal(s)`). Float64 on the host.
 */
function monteCarloElbo(
  rng: Rng,
  data: { x: Float64Array; mu: Float64Array; l: Float64Array; w: Float64Array },
  dims: { n: number; d: number; h: number },
  lambda: ArrayLike<number>,
  sigma2: number,
  samples: number,
) {
  const { x, mu, l, w } = data;
  const { n, d, h } = dims;
  let mean = 0, variance = 0;
  const z = new Float64Array(h);
  const eps = new Float64Array(h);
  for (let i = 0; i < n; i++) {
    let hq = (h / 2) * Math.log(2 * Math.PI * Math.E);
    for (let k = 0; k < h; k++) hq += Math.log(Math.abs(l[(i * h + k) * h + k]));
    let m1 = 0, m2 = 0;
    for (let t = 0; t < samples; t++) {
      for (let k = 0; k < h; k++) eps[k] = rng.normal();
      for (let k = 0; k < h; k++) {
        z[k] = mu[i * h + k];
        for (let j = 0; j <= k; j++) z[k] += l[(i * h + k) * h + j] * eps[j];
      }
      let v = -(d / 2) * Math.log(2 * Math.PI * sigma2);
      for (let p = 0; p < d; p++) {
        let r = x[i * d + p];
        for (let k = 0; k < h; k++) r -= w[p * h + k] * z[k];
        v -= (r * r) / (2 * sigma2);
      }
      for (let k = 0; k < h; k++) v += -Math.log(2 * lambda[k]) - Math.abs(z[k]) / lambda[k];
      m1 += v;
      m2 += v * v;
    }
    m1 /= samples;
    mean += (m1 + hq) / n;
    variance += (m2 / samples - m1 * m1) / samples / (n * n);
  }
  return { mean, se: Math.sqrt(variance) };
}

/** Row-major diagonal Cholesky factors [N, H, H] from standard deviations [N, H]. */
function diagonal(s: Float64Array, n: number, h: number): Float64Array {
  const l = new Float64Array(n * h * h);
  for (let i = 0; i < n; i++) for (let k = 0; k < h; k++) l[(i * h + k) * h + k] = s[i * h + k];
  return l;
}

function fixture(seed: number) {
  const rng = new Rng(seed);
  const [n, d, h] = [6, 5, 3];
  const w = Float64Array.from(rng.normalArray(d * h));
  for (let k = 0; k < h; k++) {
    let s = 0;
    for (let p = 0; p < d; p++) s += w[p * h + k] ** 2;
    for (let p = 0; p < d; p++) w[p * h + k] /= Math.sqrt(s);
  }
  const x = Float64Array.from(rng.normalArray(n * d));
  const mu = Float64Array.from(rng.normalArray(n * h), (v) => 0.8 * v);
  const s = Float64Array.from(rng.uniformArray(n * h, 0.2, 1));
  return { rng: rng.fork("mc"), data: { x, mu, s, w }, dims: { n, d, h } };
}

Deno.test("entropyElbo() at λ*, σ*² equals a Monte Carlo estimate of the standard ELBO (Theorem 1)", () => {
  // 20,000 samples per datum; the tolerance is 4 standard errors of the Monte Carlo estimate plus float32 slack.
  const { rng, data, dims } = fixture(70);
  const { n, d, h } = dims;
  const before = tf.memory().numTensors;
  const [x, mu, s, w] = [
    tf.tensor2d(Float32Array.from(data.x), [n, d]),
    tf.tensor2d(Float32Array.from(data.mu), [n, h]),
    tf.tensor2d(Float32Array.from(data.s), [n, h]),
    tf.tensor2d(Float32Array.from(data.w), [d, h]),
  ];
  const r = entropyElbo(x, { mu, s, w });
  const lambda = r.lambda.dataSync();
  const sigma2 = r.sigma2.dataSync()[0];
  const elbo = r.elbo.dataSync()[0];
  const mcData = { ...data, l: diagonal(data.s, n, h) };
  const mc = monteCarloElbo(rng, mcData, dims, lambda, sigma2, 20000);
  assertAlmostEquals(elbo, mc.mean, 4 * mc.se + 1e-4, `MC ${mc.mean} ± ${mc.se}`);
  // and the optimal λ* really is optimal: doubling it lowers the (MC) ELBO by more than the noise
  const worse = monteCarloElbo(rng, mcData, dims, Array.from(lambda, (l) => 2 * l), sigma2, 20000);
  assert(worse.mean < mc.mean - 4 * (worse.se + mc.se), "ELBO at 2λ* should be lower");
  tf.dispose([x, mu, s, w, ...Object.values(r)]);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("entropyElbo() scales only the prior entropy when annealing", () => {
  const { data, dims } = fixture(71);
  const { n, d, h } = dims;
  const x = tf.tensor2d(Float32Array.from(data.x), [n, d]);
  const mu = tf.tensor2d(Float32Array.from(data.mu), [n, h]);
  const s = tf.tensor2d(Float32Array.from(data.s), [n, h]);
  const w = tf.tensor2d(Float32Array.from(data.w), [d, h]);
  const r1 = entropyElbo(x, { mu, s, w });
  const r10 = entropyElbo(x, { mu, s, w }, { priorScale: 10 });
  const prior = r1.priorEntropy.dataSync()[0];
  assertAlmostEquals(r10.elbo.dataSync()[0], r1.elbo.dataSync()[0] - 9 * prior, 1e-4);
  tf.dispose([x, mu, s, w, ...Object.values(r1), ...Object.values(r10)]);
});

Deno.test("optimalLambda() is the data average of the folded-normal mean E|z|, checked by Monte Carlo", () => {
  // 200,000 draws per entry; E|z| has standard error below 3e-3 here.
  const rng = new Rng(72);
  const muArr = [0.5, -1.5, 0, 2], sArr = [1, 0.5, 0.3, 2];
  const l = optimalLambda(tf.tensor2d(muArr, [2, 2]), tf.tensor2d(sArr, [2, 2])).dataSync();
  const mcMean = (m: number, sd: number) => {
    let t = 0;
    for (let i = 0; i < 200000; i++) t += Math.abs(m + sd * rng.normal());
    return t / 200000;
  };
  assertAlmostEquals(l[0], (mcMean(0.5, 1) + mcMean(0, 0.3)) / 2, 1e-2);
  assertAlmostEquals(l[1], (mcMean(-1.5, 0.5) + mcMean(2, 2)) / 2, 1e-2);
});

Deno.test("entropyElbo() with full covariances equals a Monte Carlo estimate of the standard ELBO, and the diagonal form at L = diag(s)", () => {
  const { rng, data, dims } = fixture(73);
  const { n, d, h } = dims;
  // Lower-triangular factors with positive diagonals and sizeable off-diagonal terms.
  const l = diagonal(data.s, n, h);
  for (let i = 0; i < n; i++) {
    for (let k = 1; k < h; k++) for (let j = 0; j < k; j++) l[(i * h + k) * h + j] = 0.6 * rng.normal();
  }
  const before = tf.memory().numTensors;
  const x = tf.tensor2d(Float32Array.from(data.x), [n, d]);
  const mu = tf.tensor2d(Float32Array.from(data.mu), [n, h]);
  const w = tf.tensor2d(Float32Array.from(data.w), [d, h]);
  const lFull = tf.tensor3d(Float32Array.from(l), [n, h, h]);
  const r = entropyElbo(x, { mu, l: lFull, w });
  const mc = monteCarloElbo(rng, { ...data, l }, dims, r.lambda.dataSync(), r.sigma2.dataSync()[0], 20000);
  assertAlmostEquals(r.elbo.dataSync()[0], mc.mean, 4 * mc.se + 1e-4, `MC ${mc.mean} ± ${mc.se}`);

  const s = tf.tensor2d(Float32Array.from(data.s), [n, h]);
  const lDiagonal = tf.tensor3d(Float32Array.from(diagonal(data.s, n, h)), [n, h, h]);
  const asDiagonal = entropyElbo(x, { mu, s, w });
  const asFull = entropyElbo(x, { mu, l: lDiagonal, w });
  for (const key of ["elbo", "posteriorEntropy", "priorEntropy", "likelihoodEntropy", "sigma2"] as const) {
    assertAlmostEquals(asFull[key].dataSync()[0], asDiagonal[key].dataSync()[0], 1e-5, key);
  }
  tf.dispose([
    x,
    mu,
    w,
    lFull,
    s,
    lDiagonal,
    ...Object.values(r),
    ...Object.values(asDiagonal),
    ...Object.values(asFull),
  ]);
  assertEquals(tf.memory().numTensors, before);
});
