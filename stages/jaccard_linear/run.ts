/**
 * The procedure of `jaccard_linear` (see mod.ts).
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, StageContext } from "../../pipeline/stage.ts";
import { openTrainedRun } from "../train_linear/trained_run.ts";
import type { JaccardParams } from "./mod.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { readFloats } from "../../lib/tensor/readback.ts";
import { supportConsistency } from "../../lib/sparse/support_consistency.ts";

/** Score every patch; write the scores, return their summary. */
export async function run(ctx: StageContext<JaccardParams>): Promise<Metrics> {
  const p = ctx.params;
  const { run, patches, model } = await openTrainedRun(ctx);
  const identity = { selection: run.params.selection, samples: run.params.samples, seed: run.params.seed };
  if (run.metrics.diverged) {
    model.dispose();
    return { ...identity, n: 0, mean: null, median: null };
  }
  const n = p.n_patches > 0 ? Math.min(p.n_patches, patches.nVal) : patches.nVal;
  const { dim } = patches;
  const [D, K] = model.dictionary.shape;
  const a = await readFloats(model.dictionary);
  const live = Array.from({ length: K }, (_, k) => {
    let s = 0;
    for (let d = 0; d < D; d++) s += a[d * K + k] ** 2;
    return Math.sqrt(s) > p.min_norm;
  });
  const rng = new Rng(p.seed).fork("jaccard");
  const scores = new Float64Array(n);
  const batches = Math.ceil(n / p.batch_size);
  for (let b = 0; b < batches; b++) {
    const lo = b * p.batch_size;
    const hi = Math.min(n, lo + p.batch_size);
    const x = tf.tensor2d(patches.val.subarray(lo * dim, hi * dim), [hi - lo, dim]);
    const passes: Float32Array[] = [];
    for (let t = 0; t < p.passes; t++) passes.push((await model.encode(x, model.config.samples, rng)).codes);
    x.dispose();
    scores.set(supportConsistency(passes, [hi - lo, K], live), lo);
    ctx.progress({ done: b + 1, total: batches, unit: "batch" });
  }
  model.dispose();
  await Deno.writeFile(join(ctx.outDir, "scores.f64"), new Uint8Array(scores.buffer));
  const sorted = Float64Array.from(scores).sort();
  return {
    ...identity,
    n,
    live_atoms: live.filter(Boolean).length,
    mean: scores.reduce((s, v) => s + v, 0) / n,
    median: sorted[Math.floor(n / 2)],
  };
}
