/**
 * Stage `train_dnn`: train one conv VSC model (protocol §3.1–3.2) on the images of a `dnn_data` stage.
 *
 * Procedure, as the authors' `train_vsc_fmnist.py` / `train_vsc_celeba.py`:
 *   1. read the training images (8-bit NHWC) and build the model (PyTorch-default init from the seed);
 *   2. for each epoch: reshuffle, and for each batch (the last, partial one included) take one `trainStep`
 *      (J samples, max-ELBO, Adam with the cycle learning rate, warm-up/temperature by iteration), until
 *      `epochs` passes or `iterations` steps;
 *   3. save `weights.bin` + `weights.json` and return the final training loss and timings.
 *
 * Input: `data` (a `dnn_data` stage). Paper-only settings not reproduced: mixed precision (AMP), the CelebA
 * random horizontal flip, and DDP's two unsynchronised BN replicas (one BN over the whole batch here).
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { registerFastKernels } from "../../lib/tensor/kernels.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { readScalars } from "../../lib/tensor/readback.ts";
import { ConvVsc } from "../../lib/vsc/conv/mod.ts";
import { gatherImages, readImageSet, readMeta } from "../dnn_data/format.ts";
import {
  convConfigFor,
  runIterations,
  thresholdsFor,
  TRAIN_DNN_DEFAULTS,
  type TrainDnnParams,
  validateTrainDnn,
} from "./params.ts";
import { saveConvVsc } from "./weights.ts";

export { convConfigFor, thresholdsFor, TRAIN_DNN_DEFAULTS, type TrainDnnParams } from "./params.ts";
export { loadConvVsc, saveConvVsc } from "./weights.ts";

export const stage: StageKind<TrainDnnParams> = {
  name: "train_dnn",
  description: "Train a conv VSC model (Fashion-MNIST / CelebA generator)",
  defaults: TRAIN_DNN_DEFAULTS,
  validate: validateTrainDnn,
  usesBackend: true,
  // Training dominates a run's time: say once, up front, when the fast matrix products are unavailable.
  notice: async () => (await import("../../lib/tensor/blas/openblas.ts")).openBlasNotice(),
  async run(ctx) {
    const p = ctx.params;
    await useBackend(ctx.backend as BackendName);
    const kernels = registerFastKernels();

    // 1. Data and model.
    const dataDir = ctx.input("data").dir;
    const meta = readMeta(dataDir);
    if (meta.dataset !== p.dataset) {
      throw new Error(
        `Cannot train on ${dataDir}: params.dataset is "${p.dataset}" but the data stage holds "${meta.dataset}"`,
      );
    }
    const train = readImageSet(dataDir, "train", p.n_train || undefined);
    const n = train.n;
    const itersPerEpoch = Math.ceil(n / p.batch_size);
    const total = runIterations(p, n);
    const config = convConfigFor(p, total);
    const rng = new Rng(p.seed);
    const model = new ConvVsc(config, rng.fork("init"));
    const order = rng.fork("shuffle");
    const noise = rng.fork("noise");
    const [h, w, c] = [train.height, train.width, train.channels];
    ctx.log(
      `${p.method} z=${p.latent_dim} p=${p.sparsity}: ${n} images, ${total} iterations (${itersPerEpoch}/epoch), ` +
        `matMul ${kernels}`,
    );

    // 2. Passes over the images, each reshuffled, until `total` steps (the last pass may stop early).
    const t0 = performance.now();
    // The step losses stay on the backend until read, once a pass or every `readEvery` steps.
    const readEvery = Math.min(itersPerEpoch, 50);
    let losses: tf.Scalar[] = [], sizes: number[] = [];
    let passSum = 0, passCount = 0, lastPassLoss = NaN;
    let steps = 0;
    const readLosses = async () => {
      const values = await readScalars(losses);
      tf.dispose(losses);
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        model.dispose();
        throw new Error(
          `Cannot train ${p.method}: the loss became ${values[bad]} at iteration ${
            steps - values.length + bad + 1
          }`,
        );
      }
      values.forEach((v, i) => [passSum, passCount] = [passSum + v * sizes[i], passCount + sizes[i]]);
      [losses, sizes] = [[], []];
      ctx.progress({ done: steps, total, unit: "step", info: `loss ${(passSum / passCount).toFixed(4)}` });
    };
    for (let pass = 0; pass < Math.ceil(total / itersPerEpoch) && steps < total; pass++) {
      const perm = order.permutation(n);
      [passSum, passCount] = [0, 0];
      for (let start = 0; start < n && steps < total; start += p.batch_size) {
        const idx = perm.subarray(start, Math.min(n, start + p.batch_size));
        if (idx.length < 2) continue; // batch norm needs two images
        const x = tf.tensor4d(gatherImages(train, idx), [idx.length, h, w, c]);
        losses.push(model.trainStep(x, noise, p.micro_batch).loss);
        sizes.push(idx.length);
        x.dispose();
        steps++;
        if (losses.length === readEvery) await readLosses();
      }
      if (losses.length > 0) await readLosses();
      lastPassLoss = passSum / passCount;
    }
    const seconds = (performance.now() - t0) / 1000;

    // 3. Save.
    await saveConvVsc(model, ctx.outDir);
    model.dispose();
    const lambdas = thresholdsFor(p.sparsity);
    return {
      // the mean over the last pass (the whole run when it is shorter than one pass)
      final_train_loss: lastPassLoss,
      seconds_per_epoch: seconds * itersPerEpoch / Math.max(1, steps),
      seconds_per_step: seconds / Math.max(1, steps),
      iterations: steps,
      n_train: n,
      lambda: p.method.includes("gaussian")
        ? lambdas.gaussian
        : p.method.includes("laplac")
        ? lambdas.laplace
        : null,
      backend: ctx.backend,
      matmul: kernels,
    };
  },
};
