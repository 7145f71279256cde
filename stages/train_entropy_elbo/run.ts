/**
 * The procedure of `train_entropy_elbo` (see mod.ts).
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, StageContext } from "../../pipeline/stage.ts";
import type { TrainEntropyElboParams } from "./mod.ts";
import { readBars } from "../../data/bars.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { registerFastKernels } from "../../lib/tensor/kernels.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { createPosteriors, type PosteriorFamily } from "../../lib/entropy_elbo/posterior_families.ts";
import { fitEntropyElbo } from "../../lib/entropy_elbo/fit.ts";
import { initialFields, recoveredFields } from "../../lib/entropy_elbo/fields.ts";
import { recoveryMetrics } from "../../lib/sparse/dictionary_recovery.ts";
import { writeFields } from "../../data/fields_file.ts";

export async function run(ctx: StageContext<TrainEntropyElboParams>): Promise<Metrics> {
  const p = ctx.params;
  await useBackend(ctx.backend as BackendName);
  ctx.log(`matrix products: ${registerFastKernels()}`);
  const set = await readBars(ctx.input("data").dir);
  const rng = new Rng(p.seed);
  const x = tf.tensor2d(set.x, [set.n, set.d]);
  const w = p.fields === "generating"
    ? tf.tidy(() => tf.variable(tf.tensor2d(set.w, [set.d, set.h])))
    : initialFields(rng.fork("fields"), set.d, set.h);
  const posteriors = createPosteriors(p.posterior as PosteriorFamily, set, rng.fork("posteriors"));
  const t0 = performance.now();
  try {
    const fit = await fitEntropyElbo(x, w, posteriors, {
      steps: p.steps,
      lr: p.lr,
      logEvery: p.log_every,
      learnW: p.fields === "learned",
      onLog: (point) =>
        ctx.progress({
          done: point.step,
          total: p.steps,
          unit: "step",
          info: `L^H ${point.elbo.toFixed(4)}`,
        }),
    });
    const { unit, recovery } = await recoveredFields(w, set.w, set.d);
    await writeFields(ctx.outDir, { d: set.d, h: set.h, w: unit });
    await Deno.writeTextFile(join(ctx.outDir, "history.json"), JSON.stringify(fit.history));
    const lambda = Array.from(fit.lambda);
    return {
      posterior: p.posterior,
      fields: p.fields,
      seed: p.seed,
      steps: p.steps,
      elbo: fit.final.elbo,
      posterior_entropy: fit.final.posteriorEntropy,
      prior_entropy: fit.final.priorEntropy,
      likelihood_entropy: fit.final.likelihoodEntropy,
      sigma: Math.sqrt(fit.sigma2),
      lambda,
      lambda_mean: lambda.reduce((a, b) => a + b, 0) / lambda.length,
      lambda_min: Math.min(...lambda),
      ...recoveryMetrics(recovery),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    tf.dispose([x, w]);
    posteriors.dispose();
  }
}
