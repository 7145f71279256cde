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
import { Rng } from "../../lib/tensor/rng.ts";
import { readFloats } from "../../lib/tensor/readback.ts";
import type { LinearVsc } from "../../lib/vsc/linear_vsc.ts";
import { validationLoss } from "../../lib/sparse/validation_loss.ts";
import { atomSmoothness } from "../../lib/sparse/atom_structure.ts";
import { multiInformation } from "../../lib/sparse/multi_information.ts";
import { iwaeBound, softmaxWeightedLoss } from "../../lib/sparse/iwae.ts";
import { featureCollapsePercent, posteriorCollapsePercent } from "../../lib/sparse/collapse.ts";
import { atomGrid, column } from "../../lib/figures/atom_grid.ts";
import { loadModel } from "../train_linear/model_files.ts";
import { openTrainedRun } from "../train_linear/trained_run.ts";

/** Evaluate the model of the `run` input on the validation patches. */
export async function run(ctx: StageContext<MetricsParams>): Promise<Metrics> {
  const p = ctx.params;
  const { run, patches, model } = await openTrainedRun(ctx);
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
  const batches = Math.ceil(nVal / p.batch_size);
  const valX = tf.tensor2d(patches.val, [nVal, dim]);
  const zeroCodeMse = meanSquare(patches.val); // the all-zero code's pixel MSE: the "not trained" baseline
  const evaluated = await encodeValidation(
    model,
    patches.val,
    nVal,
    dim,
    p.batch_size,
    rng,
    (b) => ctx.progress({ done: b + 1, total: batches, unit: "batch", info: "codes" }),
  );
  const { codes, klPerLatent, selectedLossSum } = evaluated;
  const quality = await codeQuality(model, valX, codes, p, zeroCodeMse);

  // The same quantities at every saved snapshot of the run: the convergence study.
  const trajectory = [];
  // A snapshot at the run's last iteration is the final model, evaluated above: not twice.
  for (const iteration of (await snapshotIterations(run.dir)).filter((it) => it < model.iteration)) {
    const snap = await loadModel(join(run.dir, "snapshots", String(iteration)));
    const enc = await encodeValidation(
      snap,
      patches.val,
      nVal,
      dim,
      p.batch_size,
      rng.fork(`snapshot${iteration}`),
    );
    trajectory.push({ iteration, ...(await codeQuality(snap, valX, enc.codes, p, zeroCodeMse)) });
    snap.dispose();
    ctx.log(`snapshot ${iteration}: ${JSON.stringify(trajectory.at(-1))}`);
  }
  trajectory.push({ iteration: model.iteration, ...quality });
  await Deno.writeTextFile(join(ctx.outDir, "trajectory.json"), JSON.stringify(trajectory, null, 1));
  valX.dispose();

  // The IWAE quantities over `iwae_samples` samples per patch (variational methods only; 0 skips them).
  let iwae: number | null = null;
  let bound: number | null = null;
  if (model.encoder && p.iwae_samples > 0) {
    const perSample = new Float32Array(nVal * p.iwae_samples);
    for (let b = 0; b < batches; b++) {
      const lo = b * p.batch_size;
      const hi = Math.min(nVal, lo + p.batch_size);
      const x = tf.tensor2d(patches.val.subarray(lo * dim, hi * dim), [hi - lo, dim]);
      perSample.set(
        (await model.encode(x, p.iwae_samples, rng.fork(`iwae${b}`))).perSample,
        lo * p.iwae_samples,
      );
      x.dispose();
      ctx.progress({ done: b + 1, total: batches, unit: "batch", info: "IWAE" });
    }
    iwae = softmaxWeightedLoss(perSample, [nVal, p.iwae_samples]);
    bound = iwaeBound(perSample, [nVal, p.iwae_samples]);
  }

  model.dispose();
  return {
    ...identity,
    iterations: run.metrics.iterations ?? null,
    dictionary_png: "dictionary.png",
    ...quality,
    trained: typeof quality.recon_ratio === "number" && quality.recon_ratio <= p.trained_ratio,
    trained_ratio: p.trained_ratio,
    iwae: finite(iwae),
    iwae_bound: finite(bound),
    // What the authors log per epoch as val_iwae_loss: the selected sample's training loss (protocol §2.10).
    val_train_objective: model.encoder ? finite(selectedLossSum / nVal) : null,
    posterior_collapse: model.encoder ? finite(posteriorCollapsePercent(klPerLatent, [nVal, K])) : null,
    feature_collapse: finite(featureCollapsePercent(codes, [nVal, K])),
  };
}

/** Codes of all N validation patches (the selected sample, training J), their per-latent KL, and Σ selected loss. */
async function encodeValidation(
  model: LinearVsc,
  val: Float32Array,
  n: number,
  dim: number,
  batchSize: number,
  rng: Rng,
  onBatch?: (b: number) => void,
) {
  const K = model.config.atoms;
  const J = model.config.samples;
  const codes = new Float32Array(n * K);
  const klPerLatent = new Float32Array(model.encoder ? n * K : 0);
  let selectedLossSum = 0;
  const batches = Math.ceil(n / batchSize);
  for (let b = 0; b < batches; b++) {
    const lo = b * batchSize;
    const hi = Math.min(n, lo + batchSize);
    const x = tf.tensor2d(val.subarray(lo * dim, hi * dim), [hi - lo, dim]);
    const enc = await model.encode(x, J, rng.fork(`codes${b}`));
    x.dispose();
    codes.set(enc.codes, lo * K);
    if (model.encoder) {
      klPerLatent.set(enc.klPerLatent, lo * K);
      selectedLossSum += selectedLoss(enc.perSample, hi - lo, J, model.config.selection);
    }
    onBatch?.(b);
  }
  return { codes, klPerLatent, selectedLossSum };
}

/**
 * What the codes of a model achieve on the validation patches x [N, D]: objective (10) and its parts, the
 * reconstruction as a pixel MSE beside the all-zero code's, multi-information, % non-zero, atom smoothness.
 */
async function codeQuality(
  model: LinearVsc,
  x: tf.Tensor2D,
  codes: Float32Array,
  p: MetricsParams,
  zeroCodeMse: number,
) {
  const [n, dim] = x.shape;
  const K = model.config.atoms;
  const valCodes = tf.tensor2d(codes, [n, K]);
  const loss = await validationLoss(model.dictionary, { x, codes: valCodes }, {
    lambda: p.lambda,
    gammaEval: p.gamma_eval,
  });
  valCodes.dispose();
  let nonzero = 0;
  for (const v of codes) if (v !== 0) nonzero++;
  const smooth = atomSmoothness(await readFloats(model.dictionary), [dim, K]);
  const reconMse = (2 * loss.recon) / dim; // val_recon is ½‖x − Ab̂‖² summed over pixels
  return {
    val_loss: finite(loss.total),
    val_recon: finite(loss.recon),
    val_l1: finite(loss.l1),
    recon_mse: finite(reconMse),
    zero_code_mse: zeroCodeMse,
    recon_ratio: finite(reconMse / zeroCodeMse),
    multi_information: finite(multiInformation(codes, [n, K], { nEdges: p.mi_edges })),
    nonzero_percent: (100 * nonzero) / codes.length,
    dictionary_smoothness: finite(smooth.mean),
    dictionary_radius: finite(smooth.meanRadius),
    structured_atoms_percent: smooth.structuredPercent,
    live_atoms: smooth.live,
  };
}

/** Iterations of the snapshots a training run saved (`snapshots/<iteration>/`), ascending. */
async function snapshotIterations(runDir: string): Promise<number[]> {
  const out: number[] = [];
  try {
    for await (const e of Deno.readDir(join(runDir, "snapshots"))) {
      if (e.isDirectory) out.push(Number(e.name));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.filter(Number.isInteger).sort((a, b) => a - b);
}

/** Mean of the squares: the pixel MSE of reconstructing x by 0. */
function meanSquare(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return s / x.length;
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
    "recon_mse",
    "zero_code_mse",
    "recon_ratio",
    "multi_information",
    "nonzero_percent",
    "dictionary_smoothness",
    "dictionary_radius",
    "structured_atoms_percent",
    "live_atoms",
    "iwae",
    "iwae_bound",
    "val_train_objective",
    "posterior_collapse",
    "feature_collapse",
  ];
  return { ...Object.fromEntries(keys.map((k) => [k, null])), trained: false };
}

async function drawDictionary(model: LinearVsc, path: string): Promise<void> {
  const [D, K] = model.dictionary.shape;
  const side = Math.round(Math.sqrt(D));
  const a = await readFloats(model.dictionary);
  const img = atomGrid(Array.from({ length: K }, (_, k) => column(a, D, K, k)), side);
  await sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: img.channels } })
    .resize(img.width * 3, img.height * 3, { kernel: "nearest" })
    .png()
    .toFile(path);
}
