/**
 * The evaluation procedure of `metrics_linear` (see mod.ts).
 *
 * @module
 */
import { join } from "node:path";
import sharp from "sharp";
import type { Json, Metrics, StageContext } from "../../pipeline/stage.ts";
import type { MetricsParams } from "./mod.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { registerFastKernels } from "../../lib/tensor/kernels.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import type { LinearVsc } from "../../lib/vsc/linear_vsc.ts";
import { validationLoss } from "../../lib/sparse/validation_loss.ts";
import { multiInformation } from "../../lib/sparse/multi_information.ts";
import { iwaeBound, softmaxWeightedLoss } from "../../lib/sparse/iwae.ts";
import { featureCollapsePercent, posteriorCollapsePercent } from "../../lib/sparse/collapse.ts";
import { atomGrid, column } from "../../lib/figures/atom_grid.ts";
import { readPatchSet } from "../../data/patch_set.ts";
import { loadModel } from "../train_linear/model_files.ts";

/** Evaluate the model of the `run` input on the validation patches. */
export async function run(ctx: StageContext<MetricsParams>): Promise<Metrics> {
  const p = ctx.params;
  const run = ctx.input("run");
  await useBackend(ctx.backend as BackendName);
  registerFastKernels();
  const patches = await readPatchSet(ctx.input("patches").dir);
  const model = await loadModel(run.dir);
  const rng = new Rng(p.seed);
  const identity = {
    method: run.params.method,
    samples: run.params.samples,
    seed: run.params.seed,
    estimator: run.params.estimator,
    selection: run.params.selection,
    epochs: run.params.epochs,
    backend: run.metrics.backend,
    diverged: run.metrics.diverged ?? false,
    n_val: patches.nVal,
  };

  // Draw the dictionary.
  await drawDictionary(model, join(ctx.outDir, "dictionary.png"));
  if (run.metrics.diverged) {
    model.dispose();
    return { ...identity, dictionary_png: "dictionary.png", ...nullMetrics() };
  }

  // Codes of every validation patch: the selected sample with the training J (protocol §1.9).
  const { nVal, dim } = patches;
  const K = model.config.atoms;
  const J = model.config.samples;
  const codes = new Float32Array(nVal * K);
  const klPerLatent = new Float32Array(model.encoder ? nVal * K : 0);
  let selectedLossSum = 0;
  const batches = Math.ceil(nVal / p.batch_size);
  for (let b = 0; b < batches; b++) {
    const lo = b * p.batch_size;
    const hi = Math.min(nVal, lo + p.batch_size);
    const x = tf.tensor2d(patches.val.subarray(lo * dim, hi * dim), [hi - lo, dim]);
    const enc = model.encode(x, J, rng.fork(`codes${b}`));
    x.dispose();
    codes.set(enc.codes, lo * K);
    if (model.encoder) {
      klPerLatent.set(enc.klPerLatent, lo * K);
      selectedLossSum += selectedLoss(enc.perSample, hi - lo, J, model.config.selection);
    }
    ctx.progress({ done: b + 1, total: batches, unit: "batch" });
  }

  // Objective (10) on those codes.
  const valX = tf.tensor2d(patches.val, [nVal, dim]);
  const valCodes = tf.tensor2d(codes, [nVal, K]);
  const loss = validationLoss(model.dictionary, { x: valX, codes: valCodes }, {
    lambda: p.lambda,
    gammaEval: p.gamma_eval,
  });
  tf.dispose([valX, valCodes]);

  // The IWAE quantities over `iwae_samples` samples per patch (variational methods only).
  let iwae: number | null = null;
  let bound: number | null = null;
  if (model.encoder) {
    const perSample = new Float32Array(nVal * p.iwae_samples);
    for (let b = 0; b < batches; b++) {
      const lo = b * p.batch_size;
      const hi = Math.min(nVal, lo + p.batch_size);
      const x = tf.tensor2d(patches.val.subarray(lo * dim, hi * dim), [hi - lo, dim]);
      perSample.set(model.encode(x, p.iwae_samples, rng.fork(`iwae${b}`)).perSample, lo * p.iwae_samples);
      x.dispose();
    }
    iwae = softmaxWeightedLoss(perSample, [nVal, p.iwae_samples]);
    bound = iwaeBound(perSample, [nVal, p.iwae_samples]);
  }

  let nonzero = 0;
  for (const v of codes) if (v !== 0) nonzero++;
  await Deno.writeTextFile(
    join(ctx.outDir, "codes_summary.json"),
    JSON.stringify({ n: nVal, latents: K, nonzero_fraction: nonzero / codes.length }, null, 1),
  );
  model.dispose();
  return {
    ...identity,
    dictionary_png: "dictionary.png",
    val_loss: finite(loss.total),
    val_recon: finite(loss.recon),
    val_l1: finite(loss.l1),
    multi_information: finite(multiInformation(codes, [nVal, K], { nEdges: p.mi_edges })),
    iwae: finite(iwae),
    iwae_bound: finite(bound),
    // What the authors log per epoch as val_iwae_loss: the selected sample's training loss (protocol §2.10).
    val_train_objective: model.encoder ? finite(selectedLossSum / nVal) : null,
    posterior_collapse: model.encoder ? finite(posteriorCollapsePercent(klPerLatent, [nVal, K])) : null,
    feature_collapse: finite(featureCollapsePercent(codes, [nVal, K])),
    nonzero_percent: (100 * nonzero) / codes.length,
  };
}

/** Sum over the batch of the selected sample's loss: min_j for max-ELBO, mean_j for averaging. */
function selectedLoss(perSample: Float32Array, rows: number, J: number, selection: "max" | "avg"): number {
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const row = perSample.subarray(i * J, (i + 1) * J);
    sum += selection === "max" ? Math.min(...row) : row.reduce((a, b) => a + b, 0) / J;
  }
  return sum;
}

/** JSON has no NaN: a non-finite metric is recorded as null. */
function finite(x: number | null): Json {
  return x !== null && Number.isFinite(x) ? x : null;
}

function nullMetrics(): Record<string, Json> {
  const keys = [
    "val_loss",
    "val_recon",
    "val_l1",
    "multi_information",
    "iwae",
    "iwae_bound",
    "val_train_objective",
  ];
  return {
    ...Object.fromEntries(keys.map((k) => [k, null])),
    posterior_collapse: null,
    feature_collapse: null,
    nonzero_percent: null,
  };
}

async function drawDictionary(model: LinearVsc, path: string): Promise<void> {
  const [D, K] = model.dictionary.shape;
  const side = Math.round(Math.sqrt(D));
  const a = model.dictionary.dataSync() as Float32Array;
  const img = atomGrid(Array.from({ length: K }, (_, k) => column(a, D, K, k)), side);
  await sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: img.channels } })
    .resize(img.width * 3, img.height * 3, { kernel: "nearest" })
    .png()
    .toFile(path);
}
