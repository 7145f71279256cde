/**
 * The procedure of `train_entropy_elbo_patches` (see mod.ts): train (EM or amortised), then the shared part —
 * held-out posteriors, their reconstruction and Gini sparseness, λ* over the training posteriors, the fields
 * ordered by it.
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, StageContext } from "../../pipeline/stage.ts";
import type { TrainEntropyElboPatchesParams } from "./mod.ts";
import { readPatchSet } from "../../data/patch_set.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { registerFastKernels } from "../../lib/tensor/kernels.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { fitEm } from "../../lib/entropy_elbo/em.ts";
import { type AmortisedObjective, fitAmortised } from "../../lib/entropy_elbo/fit_amortised.ts";
import { type BaselineObjective, unitScaleCodes } from "../../lib/entropy_elbo/fit_baseline.ts";
import { initialFields, unitColumns } from "../../lib/entropy_elbo/fields.ts";
import { writeFields } from "../../data/fields_file.ts";
import { fitEntropyElbo, type FitPoint } from "../../lib/entropy_elbo/fit.ts";
import { entropyElbo } from "../../lib/entropy_elbo/entropy_elbo.ts";
import { createPosteriors, type Posteriors } from "../../lib/entropy_elbo/posterior_families.ts";
import { priorEntropyScale } from "../../lib/entropy_elbo/annealing.ts";
import { giniSparseness } from "../../lib/entropy_elbo/gini.ts";
import { optimalLambda } from "../../lib/entropy_elbo/optimal_parameters.ts";
import { imageGridPng } from "../../lib/figures/mod.ts";

/** Diagonal posteriors of a set of patches, [N × H] row-major. */
interface Codes {
  mu: Float32Array;
  s: Float32Array;
}

export async function run(ctx: StageContext<TrainEntropyElboPatchesParams>): Promise<Metrics> {
  const p = ctx.params;
  await useBackend(ctx.backend as BackendName);
  ctx.log(`matrix products: ${registerFastKernels()}`);
  const patches = await readPatchSet(ctx.input("patches").dir);
  const d = patches.dim;
  const n = p.n_train === 0 ? patches.nTrain : Math.min(p.n_train, patches.nTrain);
  const rng = new Rng(p.seed);
  const w = initialFields(rng.fork("fields"), d, p.h);
  const train = patches.train.subarray(0, n * d);
  const nEval = Math.min(p.n_eval, patches.nVal);
  const xEval = tf.tensor2d(patches.val.subarray(0, nEval * d), [nEval, d]);
  const onEpoch = (point: FitPoint) =>
    ctx.progress({ done: point.step, total: p.epochs, unit: "epoch", info: `L^H ${point.elbo.toFixed(2)}` });
  let encoder: Posteriors | undefined;
  try {
    // 1. Training, and the posteriors of the training and of the held-out patches.
    let history: FitPoint[];
    let trainCodes: Codes;
    let heldOut: Codes;
    let heldOutElbo: number;
    let sigma2: number;
    // The maximised objective's last epoch mean (L^H for EM), and a baseline's learned σ².
    let objectiveValue: number | undefined;
    let baselineSigma2: number | undefined;
    if (p.posterior === "em") {
      const fit = await fitEm(train, w, { n, d, h: p.h }, rng.fork("em"), {
        epochs: p.epochs,
        batchSize: p.batch_size,
        eSteps: p.e_steps,
        eLr: p.e_lr,
        wLr: p.w_lr,
        priorScale: (epoch) => (p.annealing ? priorEntropyScale(epoch, "em") : 1),
        onEpoch,
      });
      history = fit.history;
      objectiveValue = fit.history.at(-1)!.elbo;
      trainCodes = fit.posteriors;
      // Held-out posteriors fitted with the fields fixed.
      const q = createPosteriors("diagonal", { n: nEval, d, h: p.h }, rng.fork("eval"));
      const held = await fitEntropyElbo(xEval, w, q, {
        steps: p.eval_steps,
        lr: p.e_lr,
        logEvery: p.eval_steps,
        learnW: false,
      });
      heldOut = await readCodes(q, xEval);
      q.dispose();
      [heldOutElbo, sigma2] = [held.final.elbo, held.sigma2];
    } else {
      encoder = createPosteriors("amortised", { n, d, h: p.h }, rng.fork("encoder"));
      const objective: AmortisedObjective = p.objective === "entropy" ? { kind: "entropy" } : {
        kind: p.objective as BaselineObjective,
        b: p.prior_scale,
        samples: p.samples,
        rng: rng.fork("noise"),
      };
      const fit = await fitAmortised(train, w, encoder, { n, d }, rng.fork("batches"), {
        epochs: p.epochs,
        batchSize: p.batch_size,
        lr: p.lr,
        priorScale: (epoch) => (p.annealing ? priorEntropyScale(epoch, "amortised") : 1),
        onEpoch,
        objective,
      });
      history = fit.history;
      [objectiveValue, baselineSigma2] = [fit.objectiveHistory.at(-1)!, fit.sigma2];
      // The encoder gives every posterior at once: the training patches' in batches, the held-out ones — on the
      // unit-column scale of the fields (L^H's codes are on it already: it normalises W's columns itself).
      const baselineFields = p.objective === "entropy" ? undefined : w;
      const mu = new Float32Array(n * p.h), s = new Float32Array(n * p.h);
      for (let start = 0; start < n; start += 4096) {
        const size = Math.min(4096, n - start);
        const batch = tf.tensor2d(train.subarray(start * d, (start + size) * d), [size, d]);
        const codes = await readCodes(encoder, batch, baselineFields);
        batch.dispose();
        mu.set(codes.mu, start * p.h);
        s.set(codes.s, start * p.h);
      }
      trainCodes = { mu, s };
      heldOut = await readCodes(encoder, xEval, baselineFields);
      const r = tf.tidy(() => {
        const codes = encoder!.of(xEval) as { mu: tf.Tensor2D; s: tf.Tensor2D };
        const q = baselineFields ? unitScaleCodes(codes, baselineFields) : codes;
        const lh = entropyElbo(xEval, { ...q, w: w as tf.Tensor2D });
        return [lh.elbo, lh.sigma2];
      });
      [heldOutElbo, sigma2] = await Promise.all(r.map(async (t) => (await t.data())[0]));
      tf.dispose(r);
    }
    await Deno.writeTextFile(join(ctx.outDir, "history.json"), JSON.stringify(history));

    // 2. Held-out reconstruction by the posterior means, and Gini sparseness over posterior samples.
    const fields = unitColumns(w);
    const wTilde = await fields.data() as Float32Array;
    const [reconMse, zeroCodeMse] = await Promise.all(
      tf.tidy(() => {
        const mu = tf.tensor2d(heldOut.mu, [nEval, p.h]);
        return [
          tf.mean(tf.square(tf.sub(xEval, tf.matMul(mu, fields, false, true)))),
          tf.mean(tf.square(xEval)),
        ];
      }).map(async (t) => {
        const v = (await t.data())[0];
        t.dispose();
        return v;
      }),
    );
    fields.dispose();
    const sampler = rng.fork("gini");
    const z = new Float32Array(p.gini_samples * p.h);
    let gini = 0;
    for (let i = 0; i < nEval; i++) {
      for (let m = 0; m < p.gini_samples; m++) {
        for (let k = 0; k < p.h; k++) {
          z[m * p.h + k] = heldOut.mu[i * p.h + k] + heldOut.s[i * p.h + k] * sampler.normal();
        }
      }
      gini += giniSparseness(z, [p.gini_samples, p.h]) / nEval;
    }

    // 3. λ* over the training patches' final posteriors, and the fields ordered by it.
    const lambdaT = tf.tidy(() =>
      optimalLambda(tf.tensor2d(trainCodes.mu, [n, p.h]), tf.tensor2d(trainCodes.s, [n, p.h]))
    );
    const lambda = Array.from(await lambdaT.data());
    lambdaT.dispose();
    const order = [...lambda.keys()].sort((a, b) => lambda[b] - lambda[a]);
    await writeFields(ctx.outDir, { d, h: p.h, w: wTilde, lambda });
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
    const last = history.at(-1)!;
    return {
      posterior: p.posterior,
      objective: p.objective,
      annealing: p.annealing,
      seed: p.seed,
      n_train: n,
      epochs: p.epochs,
      elbo: last.elbo,
      posterior_entropy: last.posteriorEntropy,
      prior_entropy: last.priorEntropy,
      likelihood_entropy: last.likelihoodEntropy,
      heldout_elbo: heldOutElbo,
      objective_value: objectiveValue,
      sigma: Math.sqrt(sigma2),
      ...(baselineSigma2 === undefined ? {} : { baseline_sigma: Math.sqrt(baselineSigma2) }),
      gini,
      recon_mse: reconMse,
      zero_code_mse: zeroCodeMse,
      recon_ratio: reconMse / zeroCodeMse,
      lambda_max: lambda[order[0]],
      lambda_min: lambda[order[p.h - 1]],
      n_eval: nEval,
    };
  } finally {
    tf.dispose([w, xEval]);
    encoder?.dispose();
  }
}

/** The posteriors of `x` as host arrays; on the unit-column scale of fields `w` when given. */
async function readCodes(q: Posteriors, x: tf.Tensor2D, w?: tf.Tensor): Promise<Codes> {
  const { mu, s } = tf.tidy(() => {
    const codes = q.of(x) as { mu: tf.Tensor2D; s: tf.Tensor2D };
    return w ? unitScaleCodes(codes, w) : codes;
  });
  try {
    return { mu: await mu.data() as Float32Array, s: await s!.data() as Float32Array };
  } finally {
    tf.dispose([mu, s!]);
  }
}
