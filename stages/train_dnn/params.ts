/**
 * Parameters of `train_dnn` and their translation into a `ConvVscConfig` (protocol §2.14, 3.2).
 *
 * @module
 */
import type { Params } from "../../pipeline/stage.ts";
import {
  latentSpecFor,
  thresholdForSparsity,
  VARIATIONAL_METHODS,
  type VariationalMethod,
} from "../../lib/vsc/methods.ts";
import { type ConvVscConfig, defaultConvVscConfig } from "../../lib/vsc/conv/mod.ts";

/** Parameters of `train_dnn`. Defaults are the paper's Fashion-MNIST settings; CelebA overrides in its YAML. */
export interface TrainDnnParams extends Params {
  /** "fashion_mnist" or "celeba"; must match the data stage. */
  dataset: string;
  /** gaussian | spike_slab | thr_gaussian | thr_gaussian_gamma | thr_laplacian | thr_laplacian_gamma (| laplacian). */
  method: string;
  /** Latent dimension z (FMNIST sweep 20/64/256/1024; CelebA 64/512/1024/2048). */
  latent_dim: number;
  /** Target fraction p of non-zero codes under the prior: sets λ (protocol §2.14) and the spike prior. */
  sparsity: number;
  /** Epochs (paper: 300); the run's length unless `iterations` is set. */
  epochs: number;
  /**
   * Optimiser steps of the run; 0 = `epochs` full passes. A run shorter than one epoch sees each image at most
   * once (the reshuffled order is consumed batch by batch across epoch boundaries).
   */
  iterations: number;
  /**
   * Length (iterations) of the run whose warm-up and temperature schedule this run follows, compressed to its own
   * length; 0 = no compression (w and τ advance per iteration as written, the paper's). A run of T steps with
   * span S starts the slab warm-up at `warmup_start`·T/S and advances w by 2e-4·S/T and τ by 0.9995^(S/T) per
   * step, so it ends as warmed up and as cold as an S-step run would.
   */
  schedule_span: number;
  /** Batch size (FMNIST 512; CelebA 500 per GPU in the paper). */
  batch_size: number;
  /**
   * Images per micro-batch: the step's gradients are accumulated over micro-batches of this size, each with its
   * own batch-norm statistics (the authors' per-GPU batch norm); 0 = the whole batch at once.
   */
  micro_batch: number;
  /** Samples J per datum in training (FMNIST 20, CelebA 10). */
  samples: number;
  /** KL weight β (FMNIST 0.01, CelebA 1e-3). */
  beta: number;
  /** Peak learning rate of the cycle schedule (Adam, 3e-4). */
  lr: number;
  /** First iteration of the spike-and-slab slab warm-up (FMNIST 500, CelebA 1500). */
  warmup_start: number;
  /** "max" (max-ELBO, the paper's) or "avg". */
  selection: string;
  /** "straight" (the paper's) or "subgradient". */
  estimator: string;
  /** Use only the first n training images of the data stage; 0 = all. */
  n_train: number;
  seed: number;
}

export const TRAIN_DNN_DEFAULTS: TrainDnnParams = {
  dataset: "fashion_mnist",
  method: "thr_laplacian",
  latent_dim: 64,
  sparsity: 0.1, // the paper's latent-dimension sweep is at 10% (protocol §3.3)
  epochs: 300,
  iterations: 0,
  schedule_span: 0,
  batch_size: 512,
  // Why 0 (no micro-batching) by default: the profiles that fit in memory keep the batch-norm statistics of the
  // whole batch; the paper profiles set it where 512 × J = 20 decodes would not fit (2 micro-batches = the
  // authors' 2 GPUs).
  micro_batch: 0,
  samples: 20,
  beta: 0.01,
  lr: 3e-4,
  warmup_start: 500,
  selection: "max",
  estimator: "straight",
  n_train: 0,
  seed: 0,
};

/** Throws a RangeError naming the first bad field. */
export function validateTrainDnn(p: TrainDnnParams): void {
  const bad = (field: string, rule: string, v: unknown) => {
    throw new RangeError(`params.${field} must be ${rule}, received ${JSON.stringify(v)}`);
  };
  if (p.dataset !== "fashion_mnist" && p.dataset !== "celeba") {
    bad("dataset", `"fashion_mnist" or "celeba"`, p.dataset);
  }
  if (!(VARIATIONAL_METHODS as readonly string[]).includes(p.method)) {
    bad("method", `one of ${VARIATIONAL_METHODS.join(", ")}`, p.method);
  }
  for (const k of ["latent_dim", "epochs", "batch_size", "samples"] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1) bad(k, "an integer ≥ 1", p[k]);
  }
  for (const k of ["iterations", "schedule_span"] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 0) bad(k, "an integer ≥ 0", p[k]);
  }
  if (p.batch_size < 2) bad("batch_size", "≥ 2 (batch norm needs two images)", p.batch_size);
  if (!Number.isInteger(p.micro_batch) || p.micro_batch < 0 || p.micro_batch === 1) {
    bad("micro_batch", "0 (whole batch) or an integer ≥ 2 (batch norm needs two images)", p.micro_batch);
  }
  if (!(p.sparsity > 0 && p.sparsity < 1)) bad("sparsity", "in (0, 1)", p.sparsity);
  if (!(p.beta >= 0)) bad("beta", "≥ 0", p.beta);
  if (!(p.lr > 0)) bad("lr", "> 0", p.lr);
  if (p.selection !== "max" && p.selection !== "avg") bad("selection", `"max" or "avg"`, p.selection);
  if (p.estimator !== "straight" && p.estimator !== "subgradient") {
    bad("estimator", `"straight" or "subgradient"`, p.estimator);
  }
  if (!Number.isInteger(p.n_train) || p.n_train < 0) bad("n_train", "an integer ≥ 0", p.n_train);
  if (!Number.isInteger(p.seed)) bad("seed", "an integer", p.seed);
}

/** Thresholds for a target sparsity p with prior spread 0.1 (protocol §2.14): Gaussian √v0·Φ⁻¹(1 − p/2), Laplace b0·ln(1/p). */
export function thresholdsFor(p: number, spread = 0.1) {
  return {
    gaussian: thresholdForSparsity("gaussian", p, spread),
    laplace: thresholdForSparsity("laplace", p, spread),
  };
}

/** Optimiser steps of a run on `n` training images: `iterations`, or `epochs` passes of ⌈n / batch⌉ batches. */
export function runIterations(p: TrainDnnParams, n: number): number {
  return p.iterations > 0 ? p.iterations : p.epochs * Math.ceil(n / p.batch_size);
}

/**
 * The model configuration for these parameters, with the learning-rate cycle spanning `totalIterations` (and the
 * warm-up/temperature schedule compressed from `schedule_span` iterations to it, when that is set).
 *
 * @example
 * ```ts
 * import { convConfigFor, TRAIN_DNN_DEFAULTS } from "./params.ts";
 * // a 1,180-step run on the schedule of the paper's 35,400-step run: 30× faster warm-up and cooling
 * const c = convConfigFor({ ...TRAIN_DNN_DEFAULTS, method: "spike_slab", schedule_span: 35400 }, 1180);
 * if (Math.abs(c.scaleWarmupIncrement - 6e-3) > 1e-12 || c.scaleWarmupFrom !== 17) throw new Error("compression");
 * ```
 */
export function convConfigFor(p: TrainDnnParams, totalIterations: number): ConvVscConfig {
  const lambdas = thresholdsFor(p.sparsity);
  const spec = latentSpecFor(p.method as VariationalMethod, {
    lambdaGaussian: lambdas.gaussian,
    lambdaLaplace: lambdas.laplace,
    spikePrior: p.sparsity,
    estimator: p.estimator as "straight" | "subgradient",
  });
  const base = defaultConvVscConfig(p.dataset as "fashion_mnist" | "celeba", spec, p.latent_dim);
  const speedup = p.schedule_span > 0 ? p.schedule_span / totalIterations : 1;
  return {
    ...base,
    samples: p.samples,
    selection: p.selection as "max" | "avg",
    beta: p.beta,
    lr: p.lr,
    totalIterations,
    scaleWarmupFrom: Math.round(p.warmup_start / speedup),
    scaleWarmupIncrement: base.scaleWarmupIncrement * speedup,
    temperatureDecay: base.temperatureDecay ** speedup,
  };
}
