/**
 * Closed-form differential entropies (nats) used by the entropy-based ELBO of Velychko et al. (protocol §5.2).
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";

/** ln(2πe), the entropy constant of a unit Gaussian per dimension (×½). */
const LOG_2PI_E = Math.log(2 * Math.PI * Math.E);

/**
 * H[Laplace(0, λ)] = ln(2eλ) = 1 + ln(2λ), elementwise over the scales λ (any shape).
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { laplaceEntropy } from "./entropies.ts";
 * await tf.ready();
 * const h = laplaceEntropy(tf.scalar(1)).dataSync()[0];
 * if (Math.abs(h - (1 + Math.LN2)) > 1e-6) throw new Error(`got ${h}`);
 * ```
 */
export function laplaceEntropy<T extends tf.Tensor>(lambda: T): T {
  return tf.tidy(() => tf.add(tf.log(tf.mul(lambda, 2)), 1)) as T;
}

/**
 * H[N(0, σ²I_D)] = (D/2)·ln(2πeσ²), elementwise over σ² (any shape).
 *
 * @param sigma2 the variance σ²
 * @param d the dimension D
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { isotropicGaussianEntropy } from "./entropies.ts";
 * await tf.ready();
 * const h = isotropicGaussianEntropy(tf.scalar(1), 2).dataSync()[0];
 * if (Math.abs(h - Math.log(2 * Math.PI * Math.E)) > 1e-6) throw new Error(`got ${h}`);
 * ```
 */
export function isotropicGaussianEntropy<T extends tf.Tensor>(sigma2: T, d: number): T {
  return tf.tidy(() => tf.mul(tf.add(tf.log(sigma2), LOG_2PI_E), d / 2)) as T;
}

/**
 * Entropies of diagonal Gaussian posteriors q_n = N(μ_n, diag(s_n²)), one per row:
 *
 *   H[q_n] = ½ ln det(2πe Σ_n) = Σ_h ln s_nh + (H/2)·ln(2πe)
 *
 * @param s posterior standard deviations s [N, H]
 * @returns H[q_n] [N]
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { diagonalGaussianEntropy } from "./entropies.ts";
 * await tf.ready();
 * const h = diagonalGaussianEntropy(tf.tensor2d([[1, 1]])).dataSync()[0];
 * if (Math.abs(h - Math.log(2 * Math.PI * Math.E)) > 1e-6) throw new Error(`got ${h}`);
 * ```
 */
export function diagonalGaussianEntropy(s: tf.Tensor2D): tf.Tensor1D {
  const h = s.shape[1];
  return tf.tidy(() => tf.add(tf.sum(tf.log(s), 1), (h / 2) * LOG_2PI_E)); // [N]
}

/**
 * Entropies of full-covariance Gaussian posteriors q_n = N(μ_n, L_n L_nᵀ), given by their Cholesky factors:
 *
 *   H[q_n] = ½ ln det(2πe Σ_n) = Σ_h ln |L_n,hh| + (H/2)·ln(2πe)
 *
 * Only the diagonal of each L_n enters; the strictly upper triangle is ignored.
 *
 * @param l lower-triangular Cholesky factors L [N, H, H]
 * @returns H[q_n] [N]
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { choleskyGaussianEntropy } from "./entropies.ts";
 * await tf.ready();
 * // L = [[2, 0], [5, 1]]: ln 2 + ln 1 + ln(2πe)
 * const h = choleskyGaussianEntropy(tf.tensor3d([[[2, 0], [5, 1]]])).dataSync()[0];
 * if (Math.abs(h - (Math.LN2 + Math.log(2 * Math.PI * Math.E))) > 1e-5) throw new Error(`got ${h}`);
 * ```
 */
export function choleskyGaussianEntropy(l: tf.Tensor3D): tf.Tensor1D {
  const h = l.shape[1];
  return tf.tidy(() => {
    const diagonal = tf.sum(tf.mul(l, tf.eye(h)), 2); // L_n,hh  [N, H]
    return tf.add(tf.sum(tf.log(tf.abs(diagonal)), 1), (h / 2) * LOG_2PI_E);
  });
}
