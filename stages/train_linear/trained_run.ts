/**
 * What every evaluation of a trained linear model starts with (metrics, gradient SNR, Jaccard): the stage's
 * backend and kernels set up, then the `run` input's model and the `patches` input's patch set loaded.
 * Not imported by the training stage itself, so changing it does not invalidate trained models.
 *
 * @module
 */
import type { Params, StageContext, Upstream } from "../../pipeline/stage.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { registerFastKernels } from "../../lib/tensor/kernels.ts";
import type { LinearVsc } from "../../lib/vsc/linear_vsc.ts";
import { type PatchSet, readPatchSet } from "../../data/patch_set.ts";
import { loadModel } from "./model_files.ts";

/** The trained run of input `run`, its model (the caller disposes it) and the patches of input `patches`. */
export async function openTrainedRun<P extends Params>(
  ctx: StageContext<P>,
): Promise<{ run: Upstream; patches: PatchSet; model: LinearVsc }> {
  await useBackend(ctx.backend as BackendName);
  registerFastKernels();
  const run = ctx.input("run");
  const patches = await readPatchSet(ctx.input("patches").dir);
  const model = await loadModel(run.dir);
  return { run, patches, model };
}
