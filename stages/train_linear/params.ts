/**
 * Parameters of a linear-generator training run, with the paper's values as defaults (protocol §1.2–1.8).
 *
 * @module
 */
import { latentSpecFor, VARIATIONAL_METHODS, type VariationalMethod } from "../../lib/vsc/methods.ts";
import type { LinearVscConfig } from "../../lib/vsc/linear_vsc.ts";
import type { LatentSpec } from "../../lib/vsc/latent_spec.ts";

export const trainLinearDefaults = {
  /** "fista" or one of the seven variational methods of Table 1. */
  method: "thr_laplacian",
  /** Samples J per datum (Table 1 has J = 1 and J = 20). */
  samples: 1,
  /** "max" is the paper's max-ELBO selection (eq. 9); "avg" the usual average (eq. 7). */
  selection: "max",
  /** "straight" is the paper's estimator; "subgradient" is Table 2's comparison. */
  estimator: "straight",
  seed: 0,
  /** Epochs of the schedule: the learning-rate cycle, warm-ups and decays span epochs × iterations per epoch. */
  epochs: 300,
  /**
   * Stop after this many iterations (0: run every epoch). The schedules still span `epochs`, so a truncated
   * run is the paper's run stopped early, not a compressed one (compressing made the dense methods diverge).
   */
  iterations: 0,
  /** Iterations after which the model is also saved under `snapshots/<iteration>/` (the convergence study). */
  snapshots: [] as number[],
  batch_size: 100,
  /** Use the first n training patches of the patch set (0: all of them). */
  n_train: 0,
  beta: 0.01,
  /** Backbone widths of the inference network (paper Table 3). */
  hidden: [512, 1024, 512, 256],
  /** Gaussian prior variance v0 and Laplace prior scale b0 (protocol §4.1: a variance for the Gaussian). */
  prior_spread: 0.1,
  /** 0.52 leaves 10% of N(0, 0.1) non-zero. */
  lambda_gaussian: 0.52,
  /** 0.25 is the authors' linear-experiment value (8.2% under Laplace(0, 0.1); protocol §4.6). */
  lambda_laplace: 0.25,
  spike_prior: 0.1,
  gamma_shape: 3,
  /** Extra factor on the Gamma KL inside the total KL (protocol §4.5). */
  gamma_kl_weight: 0.1,
  encoder_lr: 0.01,
  momentum: 0.9,
  warmup_proportion: 0.05,
  dict_lr: 0.5,
  dict_lr_decay: 0.99,
  frobenius: 1e-4,
  fista_lambda: 20,
  fista_warmup_start: 0.1,
  fista_warmup_increment: 1e-4,
  fista_max_iter: 500,
  fista_tol: 1e-3,
  scale_warmup_start: 0.1,
  scale_warmup_from: 1500,
  scale_warmup_increment: 2e-4,
  temperature_start: 1,
  temperature_decay: 0.9995,
  temperature_min: 0.5,
};
export type TrainLinearParams = typeof trainLinearDefaults;

const METHODS = ["fista", ...VARIATIONAL_METHODS];

/** Throws naming the first bad field. */
export function validateTrainLinear(p: TrainLinearParams): void {
  if (!METHODS.includes(p.method)) {
    throw new TypeError(
      `params.method must be one of ${METHODS.map((m) => `"${m}"`).join(", ")}, received "${p.method}"`,
    );
  }
  if (!["max", "avg"].includes(p.selection)) {
    throw new TypeError(`params.selection must be "max" or "avg", received "${p.selection}"`);
  }
  if (!["straight", "subgradient"].includes(p.estimator)) {
    throw new TypeError(`params.estimator must be "straight" or "subgradient", received "${p.estimator}"`);
  }
  for (const k of ["samples", "epochs", "batch_size"] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1) {
      throw new RangeError(`params.${k} must be an integer ≥ 1, received ${p[k]}`);
    }
  }
  if (!Number.isInteger(p.iterations) || p.iterations < 0) {
    throw new RangeError(`params.iterations must be an integer ≥ 0, received ${p.iterations}`);
  }
  if (!Array.isArray(p.snapshots) || !p.snapshots.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new TypeError(
      `params.snapshots must be a list of positive integers, received ${JSON.stringify(p.snapshots)}`,
    );
  }
  if (!Number.isInteger(p.n_train) || p.n_train < 0) {
    throw new RangeError(`params.n_train must be an integer ≥ 0, received ${p.n_train}`);
  }
  if (
    !Array.isArray(p.hidden) || p.hidden.length === 0 || !p.hidden.every((h) => Number.isInteger(h) && h >= 1)
  ) {
    throw new TypeError(
      `params.hidden must be a non-empty list of positive integers, received ${JSON.stringify(p.hidden)}`,
    );
  }
  if (p.method === "fista" && p.samples !== 1) {
    throw new RangeError(`params.samples must be 1 for method "fista", received ${p.samples}`);
  }
}

/** The latent layer of a variational method (null for FISTA). */
export function latentSpecOf(p: TrainLinearParams): LatentSpec | null {
  if (p.method === "fista") return null;
  const spec = latentSpecFor(p.method as VariationalMethod, {
    lambdaGaussian: p.lambda_gaussian,
    lambdaLaplace: p.lambda_laplace,
    spikePrior: p.spike_prior,
    estimator: p.estimator as LatentSpec["estimator"],
  });
  return {
    ...spec,
    priorSpread: p.prior_spread,
    gammaShape: p.gamma_shape,
    gammaKlWeight: p.gamma_kl_weight,
  };
}

/** Model configuration for `dim`-pixel patches and `itersPerEpoch` iterations per epoch. */
export function modelConfigOf(p: TrainLinearParams, dim: number, itersPerEpoch: number): LinearVscConfig {
  return {
    method: p.method as LinearVscConfig["method"],
    spec: latentSpecOf(p),
    samples: p.samples,
    selection: p.selection as "max" | "avg",
    beta: p.beta,
    patchDim: dim,
    atoms: dim,
    hidden: p.hidden,
    encoderLr: p.encoder_lr,
    momentum: p.momentum,
    totalIterations: p.epochs * itersPerEpoch,
    warmupProportion: p.warmup_proportion,
    dictLr: p.dict_lr,
    dictLrDecay: p.dict_lr_decay,
    frobenius: p.frobenius,
    fistaLambda: p.fista_lambda,
    fistaWarmupStart: p.fista_warmup_start,
    fistaWarmupIncrement: p.fista_warmup_increment,
    fistaMaxIter: p.fista_max_iter,
    fistaTol: p.fista_tol,
    scaleWarmupStart: p.scale_warmup_start,
    scaleWarmupFrom: p.scale_warmup_from,
    scaleWarmupIncrement: p.scale_warmup_increment,
    temperatureStart: p.temperature_start,
    temperatureDecay: p.temperature_decay,
    temperatureMin: p.temperature_min,
  };
}
