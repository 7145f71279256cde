/**
 * Sparse-coding solvers and metrics shared by both papers: pure tfjs/TypeScript math, no files, no pipeline.
 *
 * Solvers
 * - {@link softThreshold}: the l1 proximal map.
 * - {@link fista}: batched FISTA over a {@link ProximalProblem}; {@link lasso} is the problem
 *   min ½‖Y − X Aᵀ‖² + τ‖X‖₁ and {@link solveLasso} runs it (protocol §1.8). {@link spectralNormSquared} gives L.
 * - {@link dictionaryStep}: the linear-generator gradient step (protocol §1.2).
 * - {@link leastSquaresDictionary}: A = C_sr pinv(C_rr) (protocol §3.5), on {@link symmetricEigen}.
 *
 * Metrics
 * - {@link validationLoss}: objective (10), the Table 1 "Validation Loss" (protocol §2.8).
 * - {@link multiInformation}: plug-in multi-information in bits (protocol §2.9).
 * - {@link softmaxWeightedLoss} (the authors' "iwae") and {@link iwaeBound} (the true IWAE bound) (protocol §2.10).
 * - {@link posteriorCollapsePercent}, {@link featureCollapsePercent} (protocol §2.11).
 * - {@link frechetDistance}: FID formula with the feature covariance (protocol §3.4, corrected).
 *
 * Schedules (protocol §1.4, 1.7, 1.8): {@link cycleLearningRate}, {@link scaleWarmup}, {@link fistaLambdaWarmup},
 * {@link concreteTemperature}, {@link dictionaryLearningRate}.
 *
 * Tensor-valued functions return tensors owned by the caller and leave no other tensors behind; host-side metrics
 * take row-major typed arrays with an explicit shape and compute in float64.
 *
 * @module
 */
export { softThreshold } from "./soft_threshold.ts";
export {
  fista,
  type FistaOptions,
  type FistaResult,
  type FistaStats,
  type ObjectiveTerms,
  type ProximalProblem,
} from "./fista.ts";
export { lasso, type LassoOptions, type LassoProblem, solveLasso, type SolveLassoOptions } from "./lasso.ts";
export { type SpectralNormOptions, type SpectralNormResult, spectralNormSquared } from "./spectral_norm.ts";
export { dictionaryStep, type DictionaryStepOptions } from "./dictionary_step.ts";
export {
  digitize,
  multiInformation,
  multiInformationEdges,
  type MultiInformationOptions,
} from "./multi_information.ts";
export { iwaeBound, softmaxWeightedLoss } from "./iwae.ts";
export {
  type CollapseOptions,
  collapsePercent,
  featureCollapsePercent,
  posteriorCollapsePercent,
} from "./collapse.ts";
export { validationLoss, type ValidationLossOptions, type ValidationLossParts } from "./validation_loss.ts";
export { symmetricEigen, type SymmetricEigenOptions, type SymmetricEigenResult } from "./symmetric_eigen.ts";
export {
  leastSquaresDictionary,
  type LeastSquaresDictionaryOptions,
  type PseudoInverseOptions,
  pseudoInverseSymmetric,
} from "./least_squares_dictionary.ts";
export {
  frechetDistance,
  frechetDistanceFromFeatures,
  type GaussianStatistics,
  gaussianStatistics,
} from "./frechet.ts";
export {
  concreteTemperature,
  cycleLearningRate,
  type CycleOptions,
  dictionaryLearningRate,
  fistaLambdaWarmup,
  scaleWarmup,
  type ScaleWarmupOptions,
} from "./schedules.ts";
