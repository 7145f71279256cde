/**
 * The host noise of one `sampleLatent` call, drawn in a fixed order so that both implementations consume
 * the `Rng` identically (base noise, then logistic noise, then — inside the sampler — the Gamma draws).
 *
 * @module
 */
import type { Rng } from "../tensor/rng.ts";
import { laplaceUnitNoise } from "./priors/laplace.ts";
import { logisticNoise } from "./priors/spike_slab.ts";
import type { LatentSpec } from "./latent_spec.ts";

/** The host noise of one call, drawn in a fixed order so both implementations consume `rng` identically. */
export interface LatentNoise {
  /** [B*J*K] standard normal ε (Gaussian base, slab) or unit Laplace e (Laplace base). */
  base: Float32Array;
  /** [B*J*K] logistic ℓ (spike-and-slab only). */
  logistic?: Float32Array;
}

/** Draw the base (and logistic) noise; Gamma draws for a learned λ follow inside the sampler. */
export function drawLatentNoise(spec: LatentSpec, n: number, rng: Rng): LatentNoise {
  const base = spec.prior === "laplace" ? laplaceUnitNoise(rng, n) : rng.normalArray(n);
  return spec.prior === "spike_slab" ? { base, logistic: logisticNoise(rng, n) } : { base };
}
