/**
 * The entropy-based ELBO L^H of Velychko et al. (AISTATS 2024; protocol §5.2) for Gaussian posteriors, diagonal or
 * full-covariance.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import {
  choleskyGaussianEntropy,
  diagonalGaussianEntropy,
  isotropicGaussianEntropy,
  laplaceEntropy,
} from "./entropies.ts";
import { type GaussianPosteriors, marginalStd, optimalLambda, optimalSigma2 } from "./optimal_parameters.ts";

/** Options of {@link entropyElbo}. */
export interface EntropyElboOptions {
  /** Prior-entropy scale s_prior of entropy annealing (see `priorEntropyScale`). @default 1 */
  priorScale?: number;
}

/** L^H and its parts (all tensors owned by the caller). */
export interface EntropyElboResult {
  /** L^H (scalar, nats per datum). */
  elbo: tf.Scalar;
  /** (1/N) Σ_n H[q_n] (scalar). */
  posteriorEntropy: tf.Scalar;
  /** Σ_h H[Laplace(λ_h*)] (scalar, unscaled). */
  priorEntropy: tf.Scalar;
  /** H[N(0, σ*²I_D)] (scalar). */
  likelihoodEntropy: tf.Scalar;
  /** λ* [H]. */
  lambda: tf.Tensor1D;
  /** σ*² (scalar). */
  sigma2: tf.Scalar;
}

/**
 * The entropy objective of Theorems 1 and 2 with entropy annealing (protocol §5.2):
 *
 *   L^H = (1/N) Σ_n H[q_n] − s_prior·Σ_h H[Laplace(λ_h*)] − H[N(0, σ*²I_D)]
 *
 * with λ* and σ*² the closed-form optima ({@link optimalLambda}, {@link optimalSigma2}) computed on this batch,
 * q_n = N(μ_n, diag(s_n²)) or N(μ_n, L_n L_nᵀ), and W̃ = W with unit-norm columns (normalised here on every call, as the authors' code
 * does on every forward pass). At s_prior = 1 this equals the standard ELBO of the Laplace-prior / Gaussian-noise
 * sparse-coding model at (λ*, σ*²). Differentiable in μ, s (or L) and W.
 *
 * @param x data [N, D]
 * @param params posterior `mu` [N, H] with `s` [N, H] (diagonal) or `l` [N, H, H] (full, lower-triangular
 *   Cholesky factors), and generative fields `w` [D, H]
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { entropyElbo } from "./entropy_elbo.ts";
 * await tf.ready();
 * const r = entropyElbo(tf.tensor2d([[1, 0]]), {
 *   mu: tf.tensor2d([[1]]), s: tf.tensor2d([[1]]), w: tf.tensor2d([[2], [0]]),
 * });
 * // λ* = E|N(1, 1)|, σ*² = (0 + 1)/2, W̃ = [1, 0]ᵀ
 * const parts = [r.posteriorEntropy, r.priorEntropy, r.likelihoodEntropy].map((t) => t.dataSync()[0]);
 * if (Math.abs(r.elbo.dataSync()[0] - (parts[0] - parts[1] - parts[2])) > 1e-5) throw new Error("wrong sum");
 * if (Math.abs(r.sigma2.dataSync()[0] - 0.5) > 1e-6) throw new Error("wrong σ*²");
 * ```
 */
export function entropyElbo(
  x: tf.Tensor2D,
  params: GaussianPosteriors & { w: tf.Tensor2D },
  options: EntropyElboOptions = {},
): EntropyElboResult {
  const { priorScale = 1 } = options;
  const { mu, w } = params;
  const d = x.shape[1];
  const [n, h] = mu.shape;
  const spread = params.l
    ? params.l.shape.join() === [n, h, h].join()
    : params.s.shape.join() === mu.shape.join();
  if (w.shape[0] !== d || w.shape[1] !== h || n !== x.shape[0] || !spread) {
    throw new RangeError(
      `Cannot compute entropyElbo: expected x [N, D], mu and s [N, H] or l [N, H, H], w [D, H], received ` +
        `x [${x.shape}], mu [${mu.shape}], ${
          params.l ? `l [${params.l.shape}]` : `s [${params.s.shape}]`
        }, ` +
        `w [${w.shape}]`,
    );
  }
  return tf.tidy(() => {
    const wTilde = tf.div(w, tf.norm(w, "euclidean", 0, true)) as tf.Tensor2D; // unit columns  [D, H]
    const posterior: GaussianPosteriors = params.l ? { mu, l: params.l } : { mu, s: params.s };
    const lambda = optimalLambda(mu, params.l ? marginalStd(params.l) : params.s); // [H]
    const sigma2 = optimalSigma2(x, posterior, wTilde); // []
    const posteriorEntropy = tf.mean(
      params.l ? choleskyGaussianEntropy(params.l) : diagonalGaussianEntropy(params.s),
    ) as tf.Scalar;
    const priorEntropy = tf.sum(laplaceEntropy(lambda)) as tf.Scalar;
    const likelihoodEntropy = isotropicGaussianEntropy(sigma2, d);
    const elbo = tf.sub(
      tf.sub(posteriorEntropy, tf.mul(priorEntropy, priorScale)),
      likelihoodEntropy,
    ) as tf.Scalar;
    return { elbo, posteriorEntropy, priorEntropy, likelihoodEntropy, lambda, sigma2 };
  });
}
