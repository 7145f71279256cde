/**
 * Fig. 5: how consistently a trained model picks the same support for a patch across repeated inference
 * passes — per validation patch, the mean pairwise Jaccard index of the supports of `passes` passes (each with
 * the run's own J and selection rule), over atoms with ‖A_k‖ > `min_norm` (protocol §2.13).
 *
 * Outputs: `scores.f64` (one float64 score per patch, little-endian).
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";
import { requireIntegers } from "../../pipeline/param_checks.ts";

const defaults = {
  /** Inference passes per patch (the authors' 20). */
  passes: 20,
  /** Validation patches scored (the first ones; 0: all). The authors used 20,000. */
  n_patches: 0,
  /** Atoms with a smaller norm are dead and left out of the supports (the paper's 0.1). */
  min_norm: 0.1,
  batch_size: 100,
  /** Seed of the inference noise. */
  seed: 0,
};
export type JaccardParams = typeof defaults;

export const stage: StageKind<JaccardParams> = {
  name: "jaccard_linear",
  description: "support consistency (Jaccard) of a trained linear model over repeated inference passes",
  defaults,
  validate(p) {
    requireIntegers(p, ["passes"], 2);
    requireIntegers(p, ["n_patches"], 0);
    requireIntegers(p, ["batch_size"], 1);
  },
  usesBackend: true,
  run: async (ctx) => (await import("./run.ts")).run(ctx),
};
