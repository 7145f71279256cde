/**
 * The gradient of −L^H with respect to diagonal Gaussian posteriors, the fields held fixed (an E-step, or
 * held-out posteriors fitted to given fields), in closed form. Automatic differentiation of `entropyElbo` gives
 * the same numbers (the test compares them) through a tape of ~3× as many kernels, which dominates the cost of
 * the small E-step problems (a 512 × 100 batch: the products are a tenth of the time).
 *
 * With u = μ/s, m = E|z| = s·√(2/π)·e^{−u²/2} + μ·erf(u/√2) (so ∂m/∂μ = erf(u/√2), ∂m/∂s = √(2/π)·e^{−u²/2}),
 * λ*_h = (1/N) Σ_n m_nh, rₙ = xₙ − W̃μₙ, c_h = ‖w̃_h‖² and σ*² = (1/(N·D)) (Σ_n ‖rₙ‖² + Σ_nh s²_nh c_h), the
 * three terms of L^H = H[q] − s_prior·Σ_h (1 + ln 2λ*_h) − (D/2) ln(2πe σ*²) give
 *
 *   ∂L^H/∂μ_nh     = −s_prior·erf(u_nh/√2)/(N λ*_h) + (W̃ᵀrₙ)_h/(N σ*²)
 *   ∂L^H/∂ln s_nh  = 1/N − s_prior·s_nh·√(2/π)·e^{−u²_nh/2}/(N λ*_h) − s²_nh c_h/(N σ*²)
 *
 * (λ*, σ*² are the closed-form optima, so their own dependence on μ, s is all there is: protocol §5.2.)
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * ∂(−L^H)/∂μ and ∂(−L^H)/∂ln s for diagonal posteriors (means `mu`, log standard deviations `logS`, [N, H]) of the
 * data `x` [N, D] under the unit-column fields `wTilde` [D, H], with the prior entropy scaled by `priorScale`.
 * Tensors owned by the caller.
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { diagonalPosteriorGradient } from "./diagonal_gradient.ts";
 * await tf.ready();
 * // One datum, one latent, W̃ = 1, x = 2, μ = 2: a zero residual, so only the prior pulls μ (towards 0).
 * const g = diagonalPosteriorGradient(tf.tensor2d([[2]]), tf.tensor2d([[2]]), tf.tensor2d([[0]]), tf.tensor2d([[1]]));
 * if (!(g.mu.dataSync()[0] > 0)) throw new Error("the loss should fall as μ shrinks");
 * tf.dispose([g.mu, g.logS]);
 * ```
 */
export function diagonalPosteriorGradient(
  x: tf.Tensor2D,
  mu: tf.Tensor2D,
  logS: tf.Tensor2D,
  wTilde: tf.Tensor2D,
  priorScale = 1,
): { mu: tf.Tensor2D; logS: tf.Tensor2D } {
  const [n, d] = x.shape;
  return tf.tidy(() => {
    const s = tf.exp(logS);
    const u = tf.div(mu, s);
    const erfU = tf.erf(tf.mul(u, Math.SQRT1_2)); // ∂m/∂μ
    const density = tf.mul(tf.exp(tf.mul(tf.square(u), -0.5)), SQRT_2_OVER_PI); // ∂m/∂s
    const lambda = tf.mean(tf.add(tf.mul(s, density), tf.mul(mu, erfU)), 0); // λ*  [H]
    const residual = tf.sub(x, tf.matMul(mu, wTilde, false, true)); // [N, D]
    const colNormSq = tf.sum(tf.square(wTilde), 0); // c  [H]
    const sSqC = tf.mul(tf.square(s), colNormSq); // s²c  [N, H]
    const sigma2 = tf.div(tf.add(tf.sum(tf.square(residual)), tf.sum(sSqC)), n * d);
    const priorPull = tf.div(priorScale / n, lambda); // s_prior/(N λ*)  [H]
    const fitPull = tf.div(1 / n, sigma2); // 1/(N σ*²)
    const gradMu = tf.sub(tf.mul(erfU, priorPull), tf.mul(tf.matMul(residual, wTilde), fitPull));
    const gradLogS = tf.add(
      tf.add(tf.mul(tf.mul(s, density), priorPull), tf.mul(sSqC, fitPull)),
      -1 / n,
    );
    return { mu: gradMu as tf.Tensor2D, logS: gradLogS as tf.Tensor2D };
  });
}
