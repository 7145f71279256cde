/**
 * The DNN-generator VSC model of the Fashion-MNIST and CelebA experiments (protocol §3.1–3.2): a conv encoder with
 * Linear heads, the latent layer of `../latent.ts` (one implementation of every prior, sampler and KL), and a
 * conv decoder that decodes all B·J samples as one batch (so decoder BN statistics mix samples, as in the code).
 *
 * One training step (protocol §3.2), reading like the authors' `train_vsc_*.py` loop:
 *   1. encoder forward (BN in training mode) → heads [B, K] each;
 *   2. J samples per datum → z [B·J, K] (row b·J + j) and the raw per-datum KL;
 *   3. decode → x̂ [B·J, H, W, C]; recon_bj = mean over pixels of (x_b − x̂_bj)²;
 *   4. objective: max-ELBO selection of recon + β·ΣKL (`vscObjective`);
 *   5. Adam (lr from the cycle schedule, betas (0.5, 0.999)) with coupled L2 weight decay 1e-5;
 *   6. BN running statistics updated; iteration counter (drives warm-up, temperature, lr) advances.
 *
 * Evaluation (`encodeSelect`, protocol §3.4): eval-mode BN, warm-up ramped to 1 and τ = 0.01 (`ramp_hyperparams`),
 * J samples (20 in the paper), and the best-reconstructing sample is the code.
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import { readFloats } from "../../tensor/readback.ts";
import type { Rng } from "../../tensor/rng.ts";
import {
  headNames,
  type LatentSpec,
  perSampleSquaredError,
  sampleLatent,
  type Schedule,
  vscObjective,
} from "../latent.ts";
import { cycleLearningRate } from "../../sparse/schedules.ts";
import { latentSchedule, type LatentScheduleConfig } from "../latent_schedule.ts";
import { type Architecture, architectureFor } from "./architectures.ts";
import { ConvDecoder, ConvEncoder } from "./conv_nets.ts";
import { applyBatchNormUpdates, type BatchNormUpdate } from "./layers.ts";
import { Adam } from "./adam.ts";
import { sumTensors } from "../../tensor/ops.ts";

/** Everything that sets up a conv VSC model; saved with its weights. */
export interface ConvVscConfig extends LatentScheduleConfig {
  dataset: "fashion_mnist" | "celeba";
  spec: LatentSpec;
  latentDim: number;
  /** Samples J per datum in training. */
  samples: number;
  /** "max" (max-ELBO, the paper's) or "avg". */
  selection: "max" | "avg";
  /** KL weight β (FMNIST 0.01, CelebA 1e-3). */
  beta: number;
  /** Peak learning rate of the cycle schedule (3e-4). */
  lr: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  /** Iterations the cycle schedule spans (epochs × iterations per epoch). */
  totalIterations: number;
  warmupProportion: number;
  // Slab warm-up w (first increment at iteration 500 for FMNIST, 1500 for CelebA) and concrete temperature τ
  // (floor 0.005 in the DNN scripts): see LatentScheduleConfig.
}

/** The paper's settings for a dataset (protocol §3.2), to be overridden by stage params. */
export function defaultConvVscConfig(
  dataset: "fashion_mnist" | "celeba",
  spec: LatentSpec,
  latentDim: number,
): ConvVscConfig {
  return {
    dataset,
    spec,
    latentDim,
    samples: dataset === "celeba" ? 10 : 20,
    selection: "max",
    beta: dataset === "celeba" ? 1e-3 : 0.01,
    lr: 3e-4,
    beta1: 0.5,
    beta2: 0.999,
    weightDecay: 1e-5,
    totalIterations: 1,
    warmupProportion: 0.05,
    scaleWarmupStart: 0.1,
    scaleWarmupFrom: dataset === "celeba" ? 1500 : 500,
    scaleWarmupIncrement: 2e-4,
    temperatureStart: 1,
    temperatureDecay: 0.9995,
    temperatureMin: 0.005,
  };
}

/** Statistics of one training step. */
export interface ConvStepStats {
  /** The objective (selected sample's pixel-mean MSE + β·ΣKL, batch mean); the caller reads and disposes it. */
  loss: tf.Scalar;
  /** Learning rate used. */
  lr: number;
}

/** Codes and reconstructions of a batch at evaluation (plain arrays; the caller accumulates them). */
export interface ConvEncoded {
  /** Selected codes [B, K]. */
  codes: Float32Array;
  /** Decoded selected codes [B, H, W, C]. */
  recon: Float32Array;
  /** Per-image pixel-mean squared error of the selected sample [B]. */
  mse: Float32Array;
}

/** A conv VSC model with its optimiser; owns its tensors (call `dispose`). */
export class ConvVsc {
  readonly config: ConvVscConfig;
  readonly arch: Architecture;
  readonly encoder: ConvEncoder;
  readonly decoder: ConvDecoder;
  readonly #optimizer: Adam;
  /** Training iterations done so far (drives every schedule). */
  iteration = 0;

  constructor(config: ConvVscConfig, rng: Rng) {
    this.config = config;
    this.arch = architectureFor(config.dataset);
    this.encoder = new ConvEncoder(this.arch, headNames(config.spec), config.latentDim, rng.fork("encoder"));
    this.decoder = new ConvDecoder(this.arch, config.latentDim, rng.fork("decoder"));
    this.#optimizer = new Adam(this.trainable(), {
      beta1: config.beta1,
      beta2: config.beta2,
      weightDecay: config.weightDecay,
    });
  }

  /** Trainable variables in a stable order. */
  trainable(): tf.Variable[] {
    return [...Object.values(this.encoder.named().params), ...Object.values(this.decoder.named().params)];
  }

  /** Warm-up w and temperature τ at the current iteration: only the spike-and-slab is warmed in the DNN scripts. */
  schedule(): Schedule {
    return latentSchedule(this.iteration, this.config.spec.prior === "spike_slab", this.config);
  }

  /**
   * Learning rate of the cycle schedule at the current iteration. Runs too short for a warm-up phase of at least
   * one iteration (fewer than 1/warmupProportion = 20 iterations: smoke tests) use the constant peak rate.
   */
  learningRate(): number {
    const c = this.config;
    if (Math.floor(c.totalIterations * c.warmupProportion) < 1) return c.lr;
    return cycleLearningRate(this.iteration, {
      nIter: c.totalIterations,
      lrMax: c.lr,
      warmupProportion: c.warmupProportion,
    });
  }

  /** Decode z [N, K] in eval mode (running BN statistics) → [N, H, W, C]. */
  decode(z: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => this.decoder.forward(z));
  }

  /** Per-sample pixel-mean squared error [B, J] of x [B, H, W, C] against x̂ [B·J, H, W, C] (row b·J + j). */
  #recon(x: tf.Tensor4D, xhat: tf.Tensor4D): tf.Tensor2D {
    const [B, H, W, C] = x.shape;
    return perSampleSquaredError(tf.reshape(xhat, [xhat.shape[0], H * W * C]), tf.reshape(x, [B, H * W * C]));
  }

  /**
   * Gradients of the batch objective on x [B, H, W, C] with respect to `trainable()`, accumulated over
   * consecutive micro-batches of at most `microBatch` images, so that a batch larger than memory (the paper's
   * FMNIST batch of 512 × J = 20 decodes 10,240 images) fits: the objective is a mean over images, so each
   * micro-batch's objective counts with its share of the batch, and the sum of their gradients is the batch's.
   * The noise is drawn micro-batch by micro-batch from the same `rng` stream.
   *
   * Batch norm: `"batch"` (training) normalises each micro-batch with its own moments, as the authors' per-GPU
   * batch norm did on their 2 GPUs, and queues their running-statistics updates into `updates`; `"running"` uses
   * the running statistics, and then the accumulated gradients equal the full batch's up to float rounding.
   * The caller disposes `loss` and `grads`.
   */
  gradients(
    x: tf.Tensor4D,
    rng: Rng,
    options: { microBatch?: number; batchNorm?: "batch" | "running"; updates?: BatchNormUpdate[] } = {},
  ): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
    const c = this.config;
    const B = x.shape[0];
    const micro = Math.min(B, options.microBatch && options.microBatch > 0 ? options.microBatch : B);
    const training = (options.batchNorm ?? "batch") === "batch";
    const updates = options.updates ?? [];
    const sched = this.schedule();
    let loss: tf.Scalar | undefined;
    let grads: tf.NamedTensorMap | undefined;
    for (let start = 0; start < B; start += micro) {
      const size = Math.min(micro, B - start);
      const part = size === B ? x : tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
      const objective = () => {
        const heads = this.encoder.forward(part, training ? updates : undefined); // 1. [b, K] each
        const latent = sampleLatent(heads as never, c.spec, c.samples, rng, sched); // 2. z [b·J, K], kl [b]
        const xhat = this.decoder.forward(latent.z, training ? updates : undefined); // 3. [b·J, H, W, C]
        const recon = this.#recon(part, xhat); // [b, J]
        const value = vscObjective(recon, latent.kl, c.beta, c.selection).loss as tf.Scalar; // 4.
        return size === B ? value : tf.mul(value, size / B) as tf.Scalar;
      };
      const step = tf.variableGrads(objective, this.trainable());
      if (part !== x) part.dispose();
      if (!loss || !grads) {
        [loss, grads] = [step.value, step.grads];
        continue;
      }
      const [before, beforeGrads] = [loss, grads];
      loss = tf.add(before, step.value) as tf.Scalar;
      grads = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.add(g, step.grads[k])]));
      tf.dispose([before, step.value, ...Object.values(beforeGrads), ...Object.values(step.grads)]);
    }
    return { loss: loss!, grads: grads! };
  }

  /**
   * One training step on a batch x [B, H, W, C] in [0, 1], its gradients accumulated over micro-batches of at
   * most `microBatch` images (0: the whole batch at once; see `gradients`).
   */
  trainStep(x: tf.Tensor4D, rng: Rng, microBatch = 0): ConvStepStats {
    const lr = this.learningRate();
    const updates: BatchNormUpdate[] = [];
    const { loss, grads } = this.gradients(x, rng, { microBatch, updates });
    this.#optimizer.apply(grads, lr); // 5.
    applyBatchNormUpdates(microBatch > 0 ? mergeMicroBatchUpdates(updates) : updates); // 6.
    tf.dispose(Object.values(grads));
    this.iteration++;
    return { loss, lr };
  }

  /**
   * Evaluation codes (protocol §3.4): eval-mode BN, ramped warm-up (w = 1, τ = 0.01), J samples per image, and the
   * best-reconstructing sample (max-ELBO: the KL does not depend on the sample).
   */
  async encodeSelect(x: tf.Tensor4D, rng: Rng, J = 20): Promise<ConvEncoded> {
    const c = this.config;
    const B = x.shape[0];
    const K = c.latentDim;
    const [zAll, xhatAll, err] = tf.tidy(() => {
      const heads = this.encoder.forward(x);
      const latent = sampleLatent(heads as never, c.spec, J, rng, { warmup: 1, temperature: 0.01 });
      const xhat = this.decoder.forward(latent.z); // [B·J, H, W, C]
      return [latent.z, xhat, this.#recon(x, xhat)]; // [B·J, K], [B·J, H, W, C], [B, J]
    });
    // Best-of-J on the host: row b·J + argmin_j err[b, j].
    const e = await readFloats(err);
    const rows = new Int32Array(B);
    const best = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      let j0 = 0;
      for (let j = 1; j < J; j++) if (e[b * J + j] < e[b * J + j0]) j0 = j;
      rows[b] = b * J + j0;
      best[b] = e[b * J + j0];
    }
    const [codes, recon] = tf.tidy(() => {
      const idx = tf.tensor1d(rows, "int32");
      return [tf.gather(zAll, idx), tf.gather(xhatAll, idx)]; // [B, K], [B, H, W, C]
    });
    tf.dispose([zAll, xhatAll, err]);
    const out = { codes: await readFloats(codes), recon: await readFloats(recon), mse: best };
    tf.dispose([codes, recon]);
    if (out.codes.length !== B * K) {
      throw new RangeError(`Cannot encode: expected ${B * K} code values, got ${out.codes.length}`);
    }
    return out;
  }

  /** Every tensor to save (parameters and BN buffers), by name. */
  named(): Record<string, tf.Variable> {
    const e = this.encoder.named(), d = this.decoder.named();
    const out: Record<string, tf.Variable> = {};
    for (const [k, v] of Object.entries({ ...e.params, ...e.buffers })) out[`enc.${k}`] = v;
    for (const [k, v] of Object.entries({ ...d.params, ...d.buffers })) out[`dec.${k}`] = v;
    return out;
  }

  /** Restore saved tensors (from `named()` of a model with the same config). */
  load(saved: Record<string, tf.Tensor>): void {
    for (const [name, v] of Object.entries(this.named())) {
      const t = saved[name];
      if (!t) throw new Error(`Cannot load conv model: saved weights have no tensor "${name}"`);
      if (t.shape.join() !== v.shape.join()) {
        throw new RangeError(
          `Cannot load conv model: "${name}" has shape [${t.shape}], expected [${v.shape}]`,
        );
      }
      v.assign(t);
    }
  }

  dispose(): void {
    tf.dispose(Object.values(this.named()));
    this.#optimizer.dispose();
  }
}

/**
 * One running-statistics update per batch-norm layer from its micro-batches' updates (consumed): the mean of
 * their means and of their unbiased variances, so that the running statistics track the per-micro-batch
 * statistics each micro-batch was normalised with. Expressed as a biased variance over the first micro-batch's
 * count, which `applyBatchNormUpdates` turns back into that unbiased mean.
 */
function mergeMicroBatchUpdates(updates: BatchNormUpdate[]): BatchNormUpdate[] {
  const byLayer = new Map<BatchNormUpdate["layer"], BatchNormUpdate[]>();
  for (const u of updates) byLayer.set(u.layer, [...byLayer.get(u.layer) ?? [], u]);
  return [...byLayer.values()].map((queued) => {
    if (queued.length === 1) return queued[0];
    const count = queued[0].count;
    const merged = tf.tidy(() => ({
      mean: tf.div(sumTensors(queued.map((u) => u.mean)), queued.length) as tf.Tensor1D,
      variance: tf.mul(
        sumTensors(queued.map((u) => tf.mul(u.variance, u.count / Math.max(1, u.count - 1)))),
        (count - 1) / count / queued.length,
      ) as tf.Tensor1D,
    }));
    tf.dispose(queued.flatMap((u) => [u.mean, u.variance]));
    return { layer: queued[0].layer, ...merged, count };
  });
}
