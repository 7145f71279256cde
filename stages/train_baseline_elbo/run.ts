/**
 * The procedure of `train_baseline_elbo` (see mod.ts).
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, StageContext } from "../../pipeline/stage.ts";
import type { TrainBaselineElboParams } from "./mod.ts";
import { readBars } from "../../data/bars.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { createPosteriors } from "../../lib/entropy_elbo/posterior_families.ts";
import { type BaselineObjective, fitBaselineElbo } from "../../lib/entropy_elbo/fit_baseline.ts";
import { initialFields } from "../../lib/entropy_elbo/fields.ts";
import { dictionaryRecovery } from "../../lib/sparse/dictionary_recovery.ts";

export async function run(ctx: StageContext<TrainBaselineElboParams>): Promise<Metrics> {
  const p = ctx.params;
  await useBackend(ctx.backend as BackendName);
  const set = await readBars(ctx.input("data").dir);
  const rng = new Rng(p.seed);
  const x = tf.tensor2d(set.x, [set.n, set.d]);
  // The same start as the entropy-ELBO runs of this seed: unit-norm N(0, 1) columns, zero means, unit spreads.
  const w = initialFields(rng.fork("fields"), set.d, set.h);
  const posteriors = createPosteriors("diagonal", set, rng.fork("posteriors"));
  const t0 = performance.now();
  try {
    const fit = await fitBaselineElbo(x, w, posteriors, {
      objective: p.objective as BaselineObjective,
      b: p.prior_scale,
      samples: p.samples,
      rng: rng.fork("noise"),
      steps: p.steps,
      lr: p.lr,
      logEvery: p.log_every,
      onLog: (point) =>
        ctx.progress({
          done: point.step,
          total: p.steps,
          unit: "step",
          info: `ELBO ${point.elbo.toFixed(4)}`,
        }),
    });
    const [unit, norms] = tf.tidy(
      () => [tf.div(w, tf.norm(w, "euclidean", 0, true)), tf.norm(w, "euclidean", 0)],
    );
    const wTilde = await unit.data() as Float32Array;
    const columnNorms = Array.from(await norms.data());
    tf.dispose([unit, norms]);
    await Deno.writeTextFile(
      join(ctx.outDir, "fields.json"),
      JSON.stringify({ d: set.d, h: set.h, w: Array.from(wTilde) }),
    );
    await Deno.writeTextFile(join(ctx.outDir, "history.json"), JSON.stringify(fit.history));
    const recovery = dictionaryRecovery(set.w, wTilde, set.d);
    return {
      objective: p.objective,
      prior_scale: p.prior_scale,
      samples: p.samples,
      seed: p.seed,
      steps: p.steps,
      elbo: fit.elbo,
      entropy_elbo: fit.entropyElbo,
      sigma: Math.sqrt(fit.sigma2),
      field_norm_mean: columnNorms.reduce((a, b) => a + b, 0) / columnNorms.length,
      recovery_mean: recovery.mean,
      recovery_min: recovery.min,
      bars_recovered: recovery.recovered,
      recovery_threshold: recovery.threshold,
      matched: recovery.matched,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    tf.dispose([x, w]);
    posteriors.dispose();
  }
}
