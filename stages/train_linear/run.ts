/**
 * The training procedure of `train_linear` (see mod.ts).
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, StageContext } from "../../pipeline/stage.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { registerFastKernels } from "../../lib/tensor/kernels.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { readScalars } from "../../lib/tensor/readback.ts";
import { LinearVsc } from "../../lib/vsc/linear_vsc.ts";
import { readPatchSet } from "../../data/patch_set.ts";
import { modelConfigOf, type TrainLinearParams } from "./params.ts";
import { saveModel } from "./model_files.ts";

/** Train, save the model and its history, return the run's metrics. */
export async function run(ctx: StageContext<TrainLinearParams>): Promise<Metrics> {
  const p = ctx.params;
  await useBackend(ctx.backend as BackendName);
  const kernels = registerFastKernels();
  ctx.log(`backend ${ctx.backend}, matMul: ${kernels}`);

  // Read the training patches.
  const patches = await readPatchSet(ctx.input("patches").dir);
  const dim = patches.dim;
  const nTrain = p.n_train > 0 ? Math.min(p.n_train, patches.nTrain) : patches.nTrain;
  const itersPerEpoch = Math.floor(nTrain / p.batch_size);
  if (itersPerEpoch < 1) {
    throw new RangeError(`Cannot train: ${nTrain} training patches make no batch of ${p.batch_size}`);
  }

  // Build the model: dictionary, inference network, optimizer.
  const rng = new Rng(p.seed);
  const model = new LinearVsc(modelConfigOf(p, dim, itersPerEpoch), rng.fork("model"));
  const noise = rng.fork("noise");
  const order = rng.fork("order");

  // Train: each epoch reshuffles the patches and runs every full batch, until `iterations` if that is set.
  const total = p.iterations > 0 ? p.iterations : p.epochs * itersPerEpoch;
  const epochs = Math.ceil(total / itersPerEpoch);
  const snapshots = new Set(p.snapshots.filter((s) => s <= total));
  const history: {
    epoch: number;
    iteration: number;
    loss: number | null;
    nonzero: number;
    seconds: number;
    tensors: number;
  }[] = [];
  let diverged = false;
  const batch = new Float32Array(p.batch_size * dim);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const t0 = performance.now();
    const perm = order.permutation(nTrain);
    // Each step's loss and non-zero fraction stay on the backend until the epoch ends: one read per epoch.
    const stepStats: tf.Scalar[] = [];
    const steps = Math.min(itersPerEpoch, total - model.iteration);
    for (let it = 0; it < steps; it++) {
      for (let b = 0; b < p.batch_size; b++) {
        const row = perm[it * p.batch_size + b];
        batch.set(patches.train.subarray(row * dim, (row + 1) * dim), b * dim);
      }
      const x = tf.tensor2d(batch, [p.batch_size, dim]);
      const stats = await model.trainStep(x, noise);
      x.dispose();
      stepStats.push(stats.loss, stats.nonzero);
      if (snapshots.has(model.iteration)) {
        const dir = join(ctx.outDir, "snapshots", String(model.iteration));
        await Deno.mkdir(dir, { recursive: true });
        await saveModel(dir, model);
      }
    }
    if (steps === itersPerEpoch) model.endEpoch();
    const values = await readScalars(stepStats);
    tf.dispose(stepStats);
    let lossSum = 0, nonzeroSum = 0;
    for (let i = 0; i < values.length; i += 2) {
      [lossSum, nonzeroSum] = [lossSum + values[i], nonzeroSum + values[i + 1]];
    }
    // Yield to the event loop once an epoch, so the worker notices if the engine died (its stdin closes).
    await new Promise((resolve) => setTimeout(resolve, 0));
    const loss = lossSum / steps;
    // A diverged run is a result (Table 2's subgradient J = 1 goes to NaN in the paper), not a crash:
    // stop, keep the model, and let the metrics report it.
    diverged = !Number.isFinite(loss);
    history.push({
      epoch: epoch + 1,
      iteration: model.iteration,
      loss: diverged ? null : loss,
      nonzero: nonzeroSum / steps,
      seconds: (performance.now() - t0) / 1000,
      tensors: tf.memory().numTensors,
    });
    ctx.progress({
      done: epoch + 1,
      total: epochs,
      unit: "epoch",
      info: `it ${model.iteration} loss ${loss.toPrecision(4)} nnz ${(100 * nonzeroSum / steps).toFixed(1)}%`,
    });
    if (diverged) {
      ctx.log(`loss became ${loss} in epoch ${epoch + 1}: training stopped`);
      break;
    }
  }

  // Save the model and the history.
  await saveModel(ctx.outDir, model);
  await Deno.writeTextFile(join(ctx.outDir, "history.json"), JSON.stringify(history, null, 1));
  const iterations = model.iteration;
  model.dispose();
  const last = history.at(-1)!;
  return {
    final_loss: last.loss,
    final_nonzero: last.nonzero,
    seconds_per_epoch: history.reduce((s, h) => s + h.seconds, 0) / history.length,
    iterations,
    diverged,
    // Live tensors must not grow across epochs: the first and last epoch should end with the same count.
    tensor_growth: last.tensors - history[0].tensors,
    backend: ctx.backend,
    matmul_kernel: kernels,
  };
}
