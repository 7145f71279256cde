/**
 * Variational sparse coding (Fallah & Rozell, ICML 2022): the math of the latent layer, as pure tfjs.
 * No files, no pipeline; all randomness comes from an `Rng` passed in.
 *
 * - `priors/`: one file per distribution with the same vocabulary (`rsample(rng)`, `logProb`, `entropy`,
 *   `mean`, `constraints`, `hasRsample`): `Gaussian`, `Laplace`, `Gamma` (implicit-reparameterisation
 *   sampler), `SpikeSlab`, and `ThresholdedLaplace` / `shiftedSoftThreshold` (eq. 2, Proposition 3.1).
 * - `kl.ts`: the closed-form KL registry keyed by (q, p) kind.
 * - `standard_gamma.ts`: host float64 Gamma(α, 1) sampling and ∂x/∂α.
 * - `latent.ts`: the shared latent layer (`sampleLatent`, `headNames`, `latentKl`) and the training
 *   objective (`selectionWeights`, `vscObjective`; in `objective.ts`).
 *
 * ```
 * encoder heads [B, K] ──sampleLatent──▶ z [B*J, K] ──decoder──▶ recon [B, J]
 *        │                               kl [B] ─────────────────────┐   │
 *        └──────────────latentKl─────────────────▶ vscObjective(recon, kl, β, "max" | "avg")
 * ```
 *
 * @module
 */
export type { Constraint, Distribution, Param } from "./priors/_distribution.ts";
export { Gaussian } from "./priors/gaussian.ts";
export { Laplace, LAPLACE_LOG_CLAMP, laplaceUnitNoise } from "./priors/laplace.ts";
export { Gamma, standardGammaRsample } from "./priors/gamma.ts";
export { logisticNoise, SpikeSlab, straightThroughBernoulli } from "./priors/spike_slab.ts";
export { shiftedSoftThreshold, ThresholdedLaplace } from "./priors/thresholded.ts";
export { klDivergence, registeredKlPairs, registerKl } from "./kl.ts";
export {
  digamma64,
  gammaQuantile,
  lgamma64,
  regularizedGammaP,
  sampleStandardGamma,
  standardGammaGradAlpha,
} from "./standard_gamma.ts";
export {
  defaultLatentSpec,
  headNames,
  latentKl,
  type LatentParams,
  type LatentSample,
  type LatentSpec,
  type PriorKind,
  sampleLatent,
  type Schedule,
  type SelectionMethod,
  selectionWeights,
  vscObjective,
} from "./latent.ts";
export { GAMMA_PARAM_MAX, GAMMA_PARAM_MIN, SPIKE_EPS } from "./latent_spec.ts";
export { gammaPosteriorParams } from "./latent_kl.ts";
