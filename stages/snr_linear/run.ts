/**
 * The procedure of `snr_linear` (see mod.ts).
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, StageContext } from "../../pipeline/stage.ts";
import { openTrainedRun } from "../train_linear/trained_run.ts";
import type { SnrParams } from "./mod.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { GradientSnr } from "../../lib/sparse/gradient_snr.ts";

/** SNR of `passes` gradient draws on each of the first `batches` validation batches. */
export async function run(ctx: StageContext<SnrParams>): Promise<Metrics> {
  const p = ctx.params;
  const { run, patches, model } = await openTrainedRun(ctx);
  if (run.metrics.diverged) {
    model.dispose();
    return { method: p.method, samples: p.samples, seed: p.seed, snr_encoder: null, snr_dictionary: null };
  }
  const rng = new Rng(p.seed).fork("snr");
  const batches = Math.min(p.batches, Math.floor(patches.nVal / p.batch_size));
  const perBatch: { batch: number; encoder: number; dictionary: number }[] = [];
  for (let b = 0; b < batches; b++) {
    const x = tf.tensor2d(
      patches.val.subarray(b * p.batch_size * patches.dim, (b + 1) * p.batch_size * patches.dim),
      [p.batch_size, patches.dim],
    );
    let encoder: GradientSnr | undefined;
    let dictionary: GradientSnr | undefined;
    for (let t = 0; t < p.passes; t++) {
      const g = await model.gradientSample(x, rng);
      encoder ??= new GradientSnr(g.encoder.length);
      dictionary ??= new GradientSnr(g.dictionary.length);
      encoder.add(g.encoder);
      dictionary.add(g.dictionary);
      ctx.progress({ done: b * p.passes + t + 1, total: batches * p.passes, unit: "pass" });
    }
    x.dispose();
    perBatch.push({ batch: b, encoder: encoder!.meanSnr(), dictionary: dictionary!.meanSnr() });
  }
  model.dispose();
  await Deno.writeTextFile(join(ctx.outDir, "snr.json"), JSON.stringify(perBatch, null, 1));
  const mean = (k: "encoder" | "dictionary") => perBatch.reduce((s, r) => s + r[k], 0) / perBatch.length;
  return {
    method: p.method,
    samples: p.samples,
    seed: p.seed,
    passes: p.passes,
    batches,
    snr_encoder: mean("encoder"),
    snr_dictionary: mean("dictionary"),
  };
}
