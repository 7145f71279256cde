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
import { registerFastKernels } from "../../lib/tensor/kernels.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { createPosteriors } from "../../lib/entropy_elbo/posterior_families.ts";
import { type BaselineObjective, fitBaselineElbo } from "../../lib/entropy_elbo/fit_baseline.ts";
import { initialFields, recoveredFields } from "../../lib/entropy_elbo/fields.ts";
import { recoveryMetrics } from "../../lib/sparse/dictionary_recovery.ts";
import { writeFields } from "../../data/fields_file.ts";

export async function run(ctx: StageContext<TrainBaselineElboParams>): Promise<Metrics> {
  const p = ctx.params;
  await useBackend(ctx.backend as BackendName);
  ctx.log(`matrix products: ${registerFastKernels()}`);
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
    const norms = tf.norm(w, "euclidean", 0);
    const columnNorms = Array.from(await norms.data());
    norms.dispose();
    const { unit, recovery } = await recoveredFields(w, set.w, set.d);
    await writeFields(ctx.outDir, { d: set.d, h: set.h, w: unit });
    await Deno.writeTextFile(join(ctx.outDir, "history.json"), JSON.stringify(fit.history));
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
      ...recoveryMetrics(recovery),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    tf.dispose([x, w]);
    posteriors.dispose();
  }
}
