/**
 * The procedure of `train_entropy_elbo_patches` (see mod.ts).
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, StageContext } from "../../pipeline/stage.ts";
import type { TrainEntropyElboPatchesParams } from "./mod.ts";
import { readPatchSet } from "../../data/patch_set.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { fitEm } from "../../lib/entropy_elbo/em.ts";
import { initialFields } from "../../lib/entropy_elbo/fields.ts";
import { fitEntropyElbo } from "../../lib/entropy_elbo/fit.ts";
import { createPosteriors } from "../../lib/entropy_elbo/posterior_families.ts";
import { priorEntropyScale } from "../../lib/entropy_elbo/annealing.ts";
import { giniSparseness } from "../../lib/entropy_elbo/gini.ts";
import { optimalLambda } from "../../lib/entropy_elbo/optimal_parameters.ts";
import { imageGridPng } from "../../lib/figures/mod.ts";

export async function run(ctx: StageContext<TrainEntropyElboPatchesParams>): Promise<Metrics> {
  const p = ctx.params;
  await useBackend(ctx.backend as BackendName);
  const patches = await readPatchSet(ctx.input("patches").dir);
  const d = patches.dim;
  const n = p.n_train === 0 ? patches.nTrain : Math.min(p.n_train, patches.nTrain);
  const rng = new Rng(p.seed);
  const w = initialFields(rng.fork("fields"), d, p.h);
  try {
    const fit = await fitEm(patches.train.subarray(0, n * d), w, { n, d, h: p.h }, rng.fork("em"), {
      epochs: p.epochs,
      batchSize: p.batch_size,
      eSteps: p.e_steps,
      eLr: p.e_lr,
      wLr: p.w_lr,
      priorScale: (epoch) => (p.annealing ? priorEntropyScale(epoch, "em") : 1),
      onEpoch: (point) =>
        ctx.progress({
          done: point.step,
          total: p.epochs,
          unit: "epoch",
          info: `L^H ${point.elbo.toFixed(2)}`,
        }),
    });
    await Deno.writeTextFile(join(ctx.outDir, "history.json"), JSON.stringify(fit.history));

    // Held-out posteriors with the fields fixed.
    const nEval = Math.min(p.n_eval, patches.nVal);
    const xEval = tf.tensor2d(patches.val.subarray(0, nEval * d), [nEval, d]);
    const q = createPosteriors("diagonal", { n: nEval, d, h: p.h }, rng.fork("eval"));
    const held = await fitEntropyElbo(xEval, w, q, {
      steps: p.eval_steps,
      lr: p.e_lr,
      logEvery: p.eval_steps,
      learnW: false,
    });
    const { mu, s } = q.of(xEval);
    const [muData, sData] = [await mu.data() as Float32Array, await s!.data() as Float32Array];
    const fields = tf.tidy(() => tf.div(w, tf.norm(w, "euclidean", 0, true)));
    const wTilde = await fields.data() as Float32Array;
    const recon = tf.tidy(() => tf.mean(tf.square(tf.sub(xEval, tf.matMul(mu, fields, false, true)))));
    const reconMse = (await recon.data())[0];
    const zeroCodeMse = (await tf.tidy(() => tf.mean(tf.square(xEval))).data())[0];
    tf.dispose([mu, s!, fields, recon, xEval]);
    q.dispose();

    const sampler = rng.fork("gini");
    const z = new Float32Array(p.gini_samples * p.h);
    let gini = 0;
    for (let i = 0; i < nEval; i++) {
      for (let m = 0; m < p.gini_samples; m++) {
        for (let k = 0; k < p.h; k++) {
          z[m * p.h + k] = muData[i * p.h + k] + sData[i * p.h + k] * sampler.normal();
        }
      }
      gini += giniSparseness(z, [p.gini_samples, p.h]) / nEval;
    }

    // λ* over the training patches' final posteriors, and the fields ordered by it.
    const lambdaT = tf.tidy(() =>
      optimalLambda(tf.tensor2d(fit.posteriors.mu, [n, p.h]), tf.tensor2d(fit.posteriors.s, [n, p.h]))
    );
    const lambda = Array.from(await lambdaT.data());
    lambdaT.dispose();
    const order = [...lambda.keys()].sort((a, b) => lambda[b] - lambda[a]);
    await Deno.writeTextFile(
      join(ctx.outDir, "fields.json"),
      JSON.stringify({ d, h: p.h, w: Array.from(wTilde), lambda }),
    );
    const side = Math.round(Math.sqrt(d));
    const images = order.map((k) => {
      const field = Float32Array.from({ length: d }, (_, px) => wTilde[px * p.h + k]);
      const peak = Math.max(...field.map(Math.abs)) || 1;
      return field.map((v) => 0.5 + 0.5 * v / peak); // zero is mid-grey
    });
    const cols = Math.ceil(Math.sqrt(p.h));
    await Deno.writeFile(
      join(ctx.outDir, "fields.png"),
      await imageGridPng(images, {
        rows: Math.ceil(p.h / cols),
        cols,
        height: side,
        width: side,
        channels: 1,
        scale: 3,
      }),
    );
    const last = fit.history.at(-1)!;
    return {
      annealing: p.annealing,
      seed: p.seed,
      n_train: n,
      epochs: p.epochs,
      elbo: last.elbo,
      posterior_entropy: last.posteriorEntropy,
      prior_entropy: last.priorEntropy,
      likelihood_entropy: last.likelihoodEntropy,
      heldout_elbo: held.final.elbo,
      sigma: Math.sqrt(held.sigma2),
      gini,
      recon_mse: reconMse,
      zero_code_mse: zeroCodeMse,
      recon_ratio: reconMse / zeroCodeMse,
      lambda_max: lambda[order[0]],
      lambda_min: lambda[order[p.h - 1]],
      n_eval: nEval,
    };
  } finally {
    w.dispose();
  }
}
