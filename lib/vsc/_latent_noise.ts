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

/** Reused between calls: a fresh multi-megabyte array per training step costs more than drawing into it. */
let workspace = new Float32Array(0);

/**
 * Draw the base (and logistic) noise; Gamma draws for a learned λ follow inside the sampler. The arrays are
 * views of a workspace that the next call overwrites: use (or copy) them before sampling again.
 */
export function drawLatentNoise(spec: LatentSpec, n: number, rng: Rng): LatentNoise {
  const slots = spec.prior === "spike_slab" ? 2 : 1;
  if (workspace.length < slots * n) workspace = new Float32Array(slots * n);
  const base = workspace.subarray(0, n);
  if (spec.prior === "laplace") laplaceUnitNoise(rng, n, base);
  else rng.fillNormal(base);
  return slots === 2 ? { base, logistic: logisticNoise(rng, n, workspace.subarray(n, 2 * n)) } : { base };
}
