/**
 * Train one linear-generator model (paper Section 4.1, protocol §1): FISTA dictionary learning or one of the
 * seven variational methods with the MLP inference network, on the patch set of the `patches` input.
 *
 * Outputs: `model.json` + `model.f32` (see model_files.ts) and `history.json` (per-epoch loss, fraction of
 * non-zero codes, seconds, live tensor count).
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";
import { trainLinearDefaults, type TrainLinearParams, validateTrainLinear } from "./params.ts";

export const stage: StageKind<TrainLinearParams> = {
  name: "train_linear",
  description: "train a linear generator (FISTA or a variational method) on image patches",
  defaults: trainLinearDefaults,
  validate: validateTrainLinear,
  usesBackend: true,
  // Training dominates a run's time: say once, up front, when the fast matrix products are unavailable.
  notice: async () => (await import("../../lib/tensor/blas/openblas.ts")).openBlasNotice(),
  // The run code, and tfjs with it, loads only when the stage runs: planning and `status` stay fast.
  run: async (ctx) => (await import("./run.ts")).run(ctx),
};
