/**
 * The closed-form optimal prior scales λ* and noise variance σ*² of Velychko et al.'s Theorem 2 (protocol §5.2), for
 * Gaussian posteriors q_n = N(μ_n, Σ_n): diagonal (Σ_n = diag(s_n²)) or full (Σ_n = L_n L_nᵀ).
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";

/** A batch of Gaussian posteriors: means and either standard deviations (diagonal) or Cholesky factors (full). */
export type GaussianPosteriors =
  | { mu: tf.Tensor2D; s: tf.Tensor2D; l?: undefined }
  | { mu: tf.Tensor2D; l: tf.Tensor3D; s?: undefined };

/**
 * The marginal standard deviations √Σ_n,hh = ‖row h of L_n‖ of full-covariance posteriors.
 *
 * @param l lower-triangular Cholesky factors L [N, H, H]
 * @returns s [N, H]
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { marginalStd } from "./optimal_parameters.ts";
 * await tf.ready();
 * const s = marginalStd(tf.tensor3d([[[2, 0], [3, 4]]])).dataSync();
 * if (s.join() !== "2,5") throw new Error(`got ${s}`);
 * ```
 */
export function marginalStd(l: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(l), 2)) as tf.Tensor2D);
}

/**
 * λ_h* = (1/N) Σ_n E_{q_n}|z_h|, the folded-normal mean averaged over the data:
 *
 *   E|z| = s·√(2/π)·exp(−μ²/(2s²)) + μ·erf(μ/(√2 s))
 *
 * @param mu posterior means μ [N, H]
 * @param s posterior standard deviations s [N, H]
 * @returns λ* [H]
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { optimalLambda } from "./optimal_parameters.ts";
 * await tf.ready();
 * // μ = 0: E|z| = s·√(2/π)
 * const l = optimalLambda(tf.tensor2d([[0]]), tf.tensor2d([[2]])).dataSync()[0];
 * if (Math.abs(l - 2 * Math.sqrt(2 / Math.PI)) > 1e-6) throw new Error(`got ${l}`);
 * ```
 */
export function optimalLambda(mu: tf.Tensor2D, s: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const t1 = tf.mul(
      tf.mul(s, Math.sqrt(2 / Math.PI)),
      tf.exp(tf.div(tf.neg(tf.square(mu)), tf.mul(tf.square(s), 2))),
    ); // [N, H]
    const t2 = tf.mul(mu, tf.erf(tf.div(mu, tf.mul(s, Math.SQRT2)))); // [N, H]
    return tf.mean(tf.add(t1, t2), 0); // [H]
  });
}

/**
 * σ*² = (1/(N·D)) Σ_n [ ‖x_n − W̃μ_n‖² + tr(W̃ᵀW̃ Σ_n) ], where the trace is Σ_h s_nh²·‖w̃_h‖² for diagonal
 * posteriors and ‖W̃ L_n‖²_F for full ones.
 *
 * @param x data [N, D]
 * @param posterior means `mu` [N, H] and standard deviations `s` [N, H] or Cholesky factors `l` [N, H, H]
 * @param w the generative fields W̃ [D, H] (used as given; see `entropyElbo` for the column normalisation)
 * @returns σ*² (scalar)
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { optimalSigma2 } from "./optimal_parameters.ts";
 * await tf.ready();
 * // D = 1, H = 1, W = 1: ((3 − 1)² + 0.5²)/1 = 4.25
 * const v = optimalSigma2(tf.tensor2d([[3]]), { mu: tf.tensor2d([[1]]), s: tf.tensor2d([[0.5]]) }, tf.tensor2d([[1]]));
 * if (Math.abs(v.dataSync()[0] - 4.25) > 1e-6) throw new Error("wrong σ*²");
 * ```
 */
export function optimalSigma2(x: tf.Tensor2D, posterior: GaussianPosteriors, w: tf.Tensor2D): tf.Scalar {
  const [n, d] = x.shape;
  return tf.tidy(() => {
    const residual = tf.sub(x, tf.matMul(posterior.mu, tf.transpose(w))); // [N, D]
    const t1 = tf.sum(tf.square(residual)); // Σ_n ‖x_n − W̃μ_n‖²
    let t2: tf.Scalar;
    if (posterior.l) {
      const h = posterior.l.shape[1];
      // W̃ L_n for every n at once: L as [H, N·H] (row h holds L_n,h· for each n).
      const stacked = tf.reshape(tf.transpose(posterior.l, [1, 0, 2]), [h, n * h]) as tf.Tensor2D;
      t2 = tf.sum(tf.square(tf.matMul(w, stacked))); // Σ_n ‖W̃ L_n‖²_F
    } else {
      const colNormSq = tf.sum(tf.square(w), 0); // ‖w̃_h‖²  [H]
      t2 = tf.sum(tf.mul(tf.square(posterior.s), colNormSq)); // Σ_n Σ_h s_nh²‖w̃_h‖²
    }
    return tf.div(tf.add(t1, t2), n * d) as tf.Scalar;
  });
}
