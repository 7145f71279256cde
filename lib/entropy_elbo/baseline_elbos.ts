/**
 * The two baselines of Velychko et al.'s code base (protocol §5.3, "Baselines"), for the same model — Laplace prior,
 * Gaussian noise, x | z ~ N(Wz, σ²I) — with diagonal Gaussian posteriors q_n = N(μ_n, diag(s_n²)), but with the
 * prior scale fixed at b (the authors: b = 1), a learned noise variance σ² and an unnormalised W, instead of the
 * closed-form λ*, σ*² and unit columns of L^H:
 *
 * - the **analytic** ELBO (the authors' `AnalyticELBOSC`), every expectation in closed form:
 *     ELBO_n = −(D/2)·ln(2πσ²) − (‖x_n − Wμ_n‖² + Σ_h s_nh²‖w_h‖²)/(2σ²)
 *              − Σ_h [ln(2b) + E_q|z_nh|/b] + Σ_h ½·ln(2πe·s_nh²)
 *   with E_q|z| the folded-normal mean (`optimal_parameters.ts`);
 * - the **Monte-Carlo** reparameterised ELBO (`StochasticSC`): the likelihood and prior terms averaged over S draws
 *   z = μ + s·ε, the entropy in closed form.
 *
 * At b = λ* (one b per latent), σ² = σ*² and unit-norm columns, the analytic ELBO equals L^H (Theorems 1–2);
 * `baseline_elbos_test.ts` checks that identity and the Monte-Carlo estimate against the analytic value.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import type { Rng } from "../tensor/rng.ts";
import { diagonalGaussianEntropy } from "./entropies.ts";

/** Diagonal Gaussian posteriors, fields W [D, H] (used as given) and ln σ² (scalar). */
export interface BaselineParams {
  mu: tf.Tensor2D;
  s: tf.Tensor2D;
  w: tf.Tensor2D;
  logSigma2: tf.Tensor;
}

/** E_{N(μ, s²)}|z|, elementwise: s·√(2/π)·exp(−μ²/(2s²)) + μ·erf(μ/(√2 s)). */
function foldedNormalMean(mu: tf.Tensor2D, s: tf.Tensor2D): tf.Tensor2D {
  return tf.add(
    tf.mul(tf.mul(s, Math.sqrt(2 / Math.PI)), tf.exp(tf.div(tf.neg(tf.square(mu)), tf.mul(tf.square(s), 2)))),
    tf.mul(mu, tf.erf(tf.div(mu, tf.mul(s, Math.SQRT2)))),
  ) as tf.Tensor2D;
}

/**
 * The analytic Gaussian–Laplace ELBO, mean over the data (nats per datum).
 *
 * @param x data [N, D]
 * @param p posteriors, fields and ln σ²
 * @param b the Laplace prior's scale: a number (the authors' 1) or one per latent [H]
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { analyticLaplaceElbo } from "./baseline_elbos.ts";
 * await tf.ready();
 * // D = H = 1, x = 0, μ = 0, s = 1, W = 0, σ² = 1, b = 1:
 * // −½ln(2π) − 0 − (ln 2 + √(2/π)) + ½ln(2πe)
 * const v = analyticLaplaceElbo(tf.tensor2d([[0]]), {
 *   mu: tf.tensor2d([[0]]), s: tf.tensor2d([[1]]), w: tf.tensor2d([[0]]), logSigma2: tf.scalar(0),
 * }, 1).dataSync()[0];
 * const want = -0.5 * Math.log(2 * Math.PI) - Math.log(2) - Math.sqrt(2 / Math.PI) + 0.5 * Math.log(2 * Math.PI * Math.E);
 * if (Math.abs(v - want) > 1e-5) throw new Error(`${v} vs ${want}`);
 * ```
 */
export function analyticLaplaceElbo(x: tf.Tensor2D, p: BaselineParams, b: number | tf.Tensor1D): tf.Scalar {
  const d = x.shape[1];
  return tf.tidy(() => {
    const sigma2 = tf.exp(p.logSigma2);
    const residual = tf.sum(tf.square(tf.sub(x, tf.matMul(p.mu, p.w, false, true))), 1); // [N]
    const spread = tf.sum(tf.mul(tf.square(p.s), tf.sum(tf.square(p.w), 0)), 1); // Σ_h s²‖w_h‖²  [N]
    const likelihood = tf.sub(
      tf.mul(tf.log(tf.mul(sigma2, 2 * Math.PI)), -d / 2),
      tf.div(tf.add(residual, spread), tf.mul(sigma2, 2)),
    ); // [N]
    const scale = typeof b === "number" ? tf.scalar(b) : b;
    const prior = tf.neg(
      tf.sum(tf.add(tf.log(tf.mul(scale, 2)), tf.div(foldedNormalMean(p.mu, p.s), scale)), 1),
    ); // [N]
    const entropy = diagonalGaussianEntropy(p.s); // [N]
    return tf.mean(tf.add(tf.add(likelihood, prior), entropy)) as tf.Scalar;
  });
}

/**
 * The Monte-Carlo reparameterised ELBO with a Laplace(0, b) prior, mean over the data: S draws z = μ + s·ε per
 * datum for the likelihood and prior terms (ε from `rng`), the Gaussian entropy in closed form. Differentiable in
 * μ, s, W and ln σ² through the draws.
 *
 * @param samples S (the authors: 10)
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { Rng } from "../tensor/rng.ts";
 * import { analyticLaplaceElbo, monteCarloLaplaceElbo } from "./baseline_elbos.ts";
 * await tf.ready();
 * const p = { mu: tf.tensor2d([[0.3, -1]]), s: tf.tensor2d([[0.5, 0.2]]), w: tf.tensor2d([[1, 0.5]]), logSigma2: tf.scalar(-1) };
 * const x = tf.tensor2d([[0.4]]);
 * const mc = monteCarloLaplaceElbo(x, p, 1, 20000, new Rng(0)).dataSync()[0];
 * const exact = analyticLaplaceElbo(x, p, 1).dataSync()[0];
 * if (Math.abs(mc - exact) > 0.05) throw new Error(`${mc} vs ${exact}`);
 * ```
 */
export function monteCarloLaplaceElbo(
  x: tf.Tensor2D,
  p: BaselineParams,
  b: number,
  samples: number,
  rng: Rng,
): tf.Scalar {
  const [n, h] = p.mu.shape;
  const d = x.shape[1];
  const eps = tf.tensor3d(rng.normalArray(samples * n * h), [samples, n, h]);
  try {
    return tf.tidy(() => {
      const sigma2 = tf.exp(p.logSigma2);
      const z = tf.add(p.mu, tf.mul(p.s, eps)); // [S, N, H]
      const xhat = tf.reshape(tf.matMul(tf.reshape(z, [samples * n, h]), p.w, false, true), [samples, n, d]);
      const residual = tf.sum(tf.square(tf.sub(x, xhat)), 2); // [S, N]
      const likelihood = tf.sub(
        tf.mul(tf.log(tf.mul(sigma2, 2 * Math.PI)), -d / 2),
        tf.div(residual, tf.mul(sigma2, 2)),
      ); // [S, N]
      const prior = tf.neg(tf.add(tf.mul(Math.log(2 * b), h), tf.div(tf.sum(tf.abs(z), 2), b))); // [S, N]
      const expected = tf.mean(tf.add(likelihood, prior), 0); // [N]
      return tf.mean(tf.add(expected, diagonalGaussianEntropy(p.s))) as tf.Scalar;
    });
  } finally {
    eps.dispose();
  }
}
