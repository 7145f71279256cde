/**
 * Velychko et al., "Learning Sparse Codes with Entropy-Based ELBOs" (AISTATS 2024): the fully analytic entropy
 * objective L^H for the Laplace-prior / Gaussian-noise sparse-coding model with diagonal or full-covariance
 * Gaussian posteriors, its closed-form optimal λ* and σ*², the entropy-annealing schedule, the Gini sparseness
 * metric, and the bars benchmark's recovery score (protocol §5).
 *
 * Tensor functions return tensors owned by the caller and are differentiable in the posterior parameters and W.
 *
 * @module
 */
export {
  choleskyGaussianEntropy,
  diagonalGaussianEntropy,
  isotropicGaussianEntropy,
  laplaceEntropy,
} from "./entropies.ts";
export { type GaussianPosteriors, marginalStd, optimalLambda, optimalSigma2 } from "./optimal_parameters.ts";
export { entropyElbo, type EntropyElboOptions, type EntropyElboResult } from "./entropy_elbo.ts";
export { priorEntropyScale } from "./annealing.ts";
export { giniSparseness } from "./gini.ts";
export { initialFields } from "./fields.ts";
export {
  createPosteriors,
  POSTERIOR_FAMILIES,
  type PosteriorFamily,
  type Posteriors,
} from "./posterior_families.ts";
export { fitEntropyElbo, type FitOptions, type FitPoint, type FitResult } from "./fit.ts";
export { type EmOptions, type EmPosteriors, fitEm } from "./em.ts";
