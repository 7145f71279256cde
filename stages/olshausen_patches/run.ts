/**
 * The `olshausen_patches` stage's procedure: scenes → patches → files.
 *
 * @module
 */
import type { Metrics, StageContext } from "../../pipeline/stage.ts";
import { loadScenes } from "../../data/olshausen.ts";
import { writePatchSet } from "../../data/patch_set.ts";
import { splitPatches } from "../../data/patches.ts";
import { type OlshausenPatchesParams, sourceSpec } from "./params.ts";

/** Load the whitened scenes, cut the z-scored train/val patches, write `train.f32`, `val.f32`, `meta.json`. */
export async function run(ctx: StageContext<OlshausenPatchesParams>): Promise<Metrics> {
  const p = ctx.params;
  const steps = 3;

  // 1. whitened scenes from the best available source
  ctx.progress({ done: 0, total: steps, unit: "step", info: "loading scenes" });
  const scenes = await loadScenes(sourceSpec(p), {
    matPath: p.mat_path,
    rawDir: p.raw_dir,
    embeddedCount: p.embedded_images,
    embeddedSize: p.embedded_size,
    embeddedSeed: p.embedded_seed,
  });
  ctx.log(`scenes: ${scenes.provenance.description}`);
  for (const w of scenes.provenance.warnings) ctx.log(`warning: ${w}`);

  // 2. all overlapping patches: per-pixel statistics, seeded shuffle, split, evenly spaced subsets, z-score
  ctx.progress({ done: 1, total: steps, unit: "step", info: "cutting patches" });
  const split = splitPatches(scenes.images, scenes.size, {
    patchSize: p.patch_size,
    nTrain: p.n_train,
    nVal: p.n_val,
    seed: p.seed,
  });
  ctx.log(
    `patches: ${split.counts.total} in all, pools ${split.counts.trainPool} train / ${split.counts.valPool} val`,
  );

  // 3. outputs
  ctx.progress({ done: 2, total: steps, unit: "step", info: "writing" });
  const dim = p.patch_size * p.patch_size;
  await writePatchSet(ctx.outDir, {
    train: split.train,
    val: split.val,
    meta: {
      n_train: p.n_train,
      n_val: p.n_val,
      dim,
      patch_size: p.patch_size,
      mean: Array.from(split.mean),
      std: Array.from(split.std),
      provenance: { ...scenes.provenance },
      seed: p.seed,
      scenes: { count: scenes.images.length, size: scenes.size },
      counts: split.counts,
    },
  });
  ctx.progress({ done: steps, total: steps, unit: "step" });
  return {
    n_train: p.n_train,
    n_val: p.n_val,
    source_kind: scenes.provenance.kind,
    source_description: scenes.provenance.description,
  };
}
