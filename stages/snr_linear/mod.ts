/**
 * Fig. 4: the signal-to-noise ratio of the inference network's and of the dictionary's stochastic gradients
 * of one trained linear model (protocol §2.12), averaged over parameters, then over validation batches.
 *
 * Outputs: `snr.json` (per batch: encoder and dictionary SNR).
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";
import { requireIntegers } from "../../pipeline/param_checks.ts";

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
    requireIntegers(p, ["samples", "batches", "batch_size"], 1);
    requireIntegers(p, ["passes"], 2);
  },
  usesBackend: true,
  run: async (ctx) => (await import("./run.ts")).run(ctx),
};
