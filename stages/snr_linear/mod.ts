/**
 * Fig. 4: the signal-to-noise ratio of the inference network's and of the dictionary's stochastic gradients
 * of one trained linear model (protocol §2.12), averaged over parameters, then over validation batches.
 *
 * Outputs: `snr.json` (per batch: encoder and dictionary SNR).
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";

const defaults = {
  /** Which `train` run this evaluates: these three bind the `run` input (the matrix sets them). */
  method: "thr_laplacian",
  samples: 1,
  seed: 0,
  /** Gradient draws per batch: the authors' 1,000 (protocol §2.12). */
  passes: 1000,
  /** Validation batches (of `batch_size` patches, the first ones): the authors' 160, i.e. all 16,000 patches. */
  batches: 160,
  batch_size: 100,
};
export type SnrParams = typeof defaults;

export const stage: StageKind<SnrParams> = {
  name: "snr_linear",
  description: "gradient SNR of the inference network and of the dictionary of a trained linear model",
  defaults,
  validate(p) {
    for (const k of ["samples", "batches", "batch_size"] as const) {
      if (!Number.isInteger(p[k]) || p[k] < 1) {
        throw new RangeError(`params.${k} must be an integer ≥ 1, received ${p[k]}`);
      }
    }
    if (!Number.isInteger(p.passes) || p.passes < 2) {
      throw new RangeError(`params.passes must be an integer ≥ 2, received ${p.passes}`);
    }
  },
  usesBackend: true,
  run: async (ctx) => (await import("./run.ts")).run(ctx),
};
