/**
 * The configuration vocabulary of the latent layer: which model (`LatentSpec`), which encoder heads
 * (`headNames`, `LatentParams`), the per-iteration schedule and the output record (protocol §1.3, 1.6, 1.7).
 *
 * @module
 */
import type { tf } from "../tensor/tf.ts";

/** The base distribution (or the spike-and-slab) of each latent. */
export type PriorKind = "gaussian" | "laplace" | "spike_slab";

/** Everything that defines the latent layer of one method of Table 1. */
export interface LatentSpec {
  /** Base distribution / prior family. */
  prior: PriorKind;
  /** "none": no threshold; "fixed": λ = `lambda`; "learned": λ ~ Gamma(α, β) from two extra heads. */
  threshold: "none" | "fixed" | "learned";
  /** The fixed threshold λ, or the Gamma prior mean λ₀ when learned (prior Gamma(gammaShape, gammaShape/λ₀)). */
  lambda: number;
  /** Gaussian prior variance v₀ / Laplace prior scale b₀ / spike-and-slab slab prior variance (protocol §1.5). */
  priorSpread: number;
  /** Spike-and-slab prior α₀ = P(on) (protocol §2.6). */
  spikePrior: number;
  /** Shape of the Gamma prior on λ (App. B). */
  gammaShape: number;
  /** Factor on the Gamma KL inside the per-latent KL (protocol §2.4, 4.5). */
  gammaKlWeight: number;
  /** Gradient through the threshold: straight-through (HEAD, protocol §2.5) or the plain subgradient. */
  estimator: "straight" | "subgradient";
}

/** The thresholded-Laplacian defaults of the linear experiment (protocol §1.5, 1.6). */
export const defaultLatentSpec: LatentSpec = Object.freeze({
  prior: "laplace",
  threshold: "fixed",
  lambda: 0.25, // 8.2% active under the Lap(0, 0.1) prior (protocol §1.6, 4.6)
  priorSpread: 0.1,
  spikePrior: 0.1,
  gammaShape: 3,
  gammaKlWeight: 0.1,
  estimator: "straight",
});

/** The encoder heads, each [B, K]; which ones are needed is given by `headNames`. */
export type LatentParams = {
  /** Shift μ (the slab mean for the spike-and-slab). */
  mu: tf.Tensor2D;
  /** ln σ² for Gaussian bases and the slab, ln b for the Laplace base. */
  logscale: tf.Tensor2D;
  /** Spike logit head h; ln γ = min(h, 0). */
  spike?: tf.Tensor2D;
  /** ln α of the Gamma posterior on λ. */
  logAlpha?: tf.Tensor2D;
  /** ln β (rate) of the Gamma posterior on λ. */
  logBeta?: tf.Tensor2D;
};

/** The per-iteration schedule values (protocol §1.7). */
export interface Schedule {
  /** Scale warm-up w ∈ [0, 1] of the Laplace base and of the slab (ignored by the Gaussian base). */
  warmup: number;
  /** Concrete relaxation temperature τ > 0 (spike-and-slab only). */
  temperature: number;
}

/** The output of `sampleLatent` (a type alias, so that `tf.tidy(() => sampleLatent(…))` type-checks). */
export type LatentSample = {
  /** [B*J, K], row b*J + j = sample j of datum b; exact zeros where thresholded or not selected. */
  z: tf.Tensor2D;
  /** [B], Σ_k KL_bk: raw (not multiplied by β), with gammaKlWeight·KL_Gamma, on the un-warmed parameters. */
  kl: tf.Tensor1D;
  /** [B, K]; no KL here depends on the sample, so there is nothing to average over J. */
  klPerLatent: tf.Tensor2D;
  /** Mean of the sampled thresholds |λ| over all B·J·K draws (a host number; only when learned). */
  lambdaMean?: number;
};

/**
 * The encoder heads `spec` needs: ["mu", "logscale"], plus "spike" for the spike-and-slab, plus
 * "logAlpha", "logBeta" for a learned threshold (protocol §1.3).
 *
 * @example
 * ```ts
 * import { defaultLatentSpec, headNames } from "./latent.ts";
 * const names = headNames({ ...defaultLatentSpec, threshold: "learned" });
 * if (names.join() !== "mu,logscale,logAlpha,logBeta") throw new Error(names.join());
 * ```
 */
export function headNames(spec: LatentSpec): (keyof LatentParams)[] {
  const names: (keyof LatentParams)[] = ["mu", "logscale"];
  if (spec.prior === "spike_slab") names.push("spike");
  if (spec.threshold === "learned") names.push("logAlpha", "logBeta");
  return names;
}

/** Clamp of α and β of the Gamma posterior (App. B; protocol §2.4). */
export const GAMMA_PARAM_MIN = 1e-6;
export const GAMMA_PARAM_MAX = 1e6;

/** clip(v) to [GAMMA_PARAM_MIN, GAMMA_PARAM_MAX] as float32, for v = fround(e^h): tfjs's clipByValue of the exp. */
export const clipGammaParam = (v: number): number =>
  Math.fround(Math.min(Math.max(v, GAMMA_PARAM_MIN), GAMMA_PARAM_MAX));

/** 1 where v = fround(e^h) lies inside the clip range (where the clip passes the gradient), else 0. */
export const gammaParamInRange = (
  v: number,
): number => (v >= GAMMA_PARAM_MIN && v <= GAMMA_PARAM_MAX ? 1 : 0);
/** Clamp of the spike probability γ (protocol §2.6). */
export const SPIKE_EPS = 1e-6;
