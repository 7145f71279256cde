/**
 * Stage `olshausen_patches`: the data of the linear-generator experiment (paper Table 1; reference setup
 * §1.1). Whitened natural scenes → all overlapping 16×16 patches → per-pixel z-score → 80,000 train and
 * 16,000 val patches, written as `train.f32`, `val.f32` and `meta.json` (read them with
 * `readPatchSet(ctx.input("patches").dir)` from `data/patch_set.ts`).
 *
 * The scenes come from Olshausen's IMAGES.mat, the raw scenes whitened here, or the embedded procedural
 * scenes — in that order under `source: "auto"` — and `files` names exactly the files that will be read,
 * so the cache key follows their content.
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";
import { resolveSceneSource, sourceFiles } from "../../data/scene_source.ts";
import { defaults, type OlshausenPatchesParams, sourceSpec, validate } from "./params.ts";
import { run } from "./run.ts";

export type { OlshausenPatchesParams } from "./params.ts";

/** The stage kind. */
export const stage: StageKind<OlshausenPatchesParams> = {
  name: "olshausen_patches",
  description: "Whitened natural-scene patches (16×16, z-scored), 80k train / 16k val",
  defaults,
  validate,
  files: (params) =>
    sourceFiles(resolveSceneSource(sourceSpec(params), { matPath: params.mat_path, rawDir: params.raw_dir })),
  run,
};
