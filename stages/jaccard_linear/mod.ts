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
    if (!Number.isInteger(p.passes) || p.passes < 2) {
      throw new RangeError(`params.passes must be an integer ≥ 2, received ${p.passes}`);
    }
    if (!Number.isInteger(p.n_patches) || p.n_patches < 0) {
      throw new RangeError(`params.n_patches must be an integer ≥ 0, received ${p.n_patches}`);
    }
    if (!Number.isInteger(p.batch_size) || p.batch_size < 1) {
      throw new RangeError(`params.batch_size must be an integer ≥ 1, received ${p.batch_size}`);
    }
  },
  usesBackend: true,
  run: async (ctx) => (await import("./run.ts")).run(ctx),
};
