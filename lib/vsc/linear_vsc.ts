/**
 * The linear-generator model of the paper's Section 4.1: x ≈ A z with a 256-atom dictionary A, codes z
 * inferred either by FISTA (the MAP baseline) or by an MLP inference network with one of the variational
 * methods. One training iteration follows protocol §1.2:
 *
 *   1. encoder step: forward with the current A, backward, SGD+Nesterov step at the cycle-scheduled rate;
 *   2. dictionary step with the (thresholded) codes and selection weights of that same forward pass;
 *   3. warm-up and temperature updates (they are functions of the iteration counter).
 *
 * The three loss scalings of the authors' code are kept distinct on purpose (protocol §4.4): the encoder loss is
 * the pixel-mean MSE + β·ΣKL, the dictionary follows the gradient of ½·pixel-sum error + γ‖A‖²_F, and the
 * validation loss (metrics stage) uses ½·sum + λ‖b‖₁.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { matMulT } from "../tensor/kernels.ts";
import { NesterovMomentum } from "../tensor/momentum.ts";
import { readFloats } from "../tensor/readback.ts";
import { hostCompute, onHostBackend } from "../tensor/host.ts";
import type { Rng } from "../tensor/rng.ts";
import {
  headNames,
  type LatentSpec,
  perSampleSquaredError,
  sampleLatent,
  type Schedule,
  vscObjective,
} from "./latent.ts";
import { MlpEncoder } from "./mlp_encoder.ts";
import { latentSchedule, type LatentScheduleConfig } from "./latent_schedule.ts";
import type { VariationalMethod } from "./methods.ts";
import { solveLasso } from "../sparse/lasso.ts";
import { spectralNormSquared } from "../sparse/spectral_norm.ts";
import { dictionaryGradient, dictionaryStep } from "../sparse/dictionary_step.ts";
import { cycleLearningRate, dictionaryLearningRate, fistaLambdaWarmup } from "../sparse/schedules.ts";

/** Everything that sets up a linear-generator model; saved with its weights. */
export interface LinearVscConfig extends LatentScheduleConfig {
  method: VariationalMethod | "fista";
  /** Latent layer of the variational methods; null for FISTA. */
  spec: LatentSpec | null;
  /** Samples J per datum. */
  samples: number;
  /** "max" (max-ELBO, eq. 9) or "avg" (eq. 7). */
  selection: "max" | "avg";
  /** KL weight β. */
  beta: number;
  patchDim: number;
  atoms: number;
  /** Backbone widths of the inference network (paper Table 3: 512, 1024, 512, 256). */
  hidden: number[];
  /** Peak encoder learning rate of the cycle schedule (protocol §1.4). */
  encoderLr: number;
  momentum: number;
  /** Iterations the cycle schedule spans (epochs × iterations per epoch). */
  totalIterations: number;
  warmupProportion: number;
  /** Dictionary learning rate η at epoch 0 and its per-epoch decay factor. */
  dictLr: number;
  dictLrDecay: number;
  /** Frobenius regulariser γ of the dictionary update. */
  frobenius: number;
  /** FISTA baseline: λ, its warm-up, iteration cap and tolerance (protocol §1.8). */
  fistaLambda: number;
  fistaWarmupStart: number;
  fistaWarmupIncrement: number;
  fistaMaxIter: number;
  fistaTol: number;
  // Laplace/slab scale warm-up w and concrete temperature τ (protocol §1.7): see LatentScheduleConfig.
}

/**
 * Statistics of one training iteration, as scalar tensors the caller owns: loops read them in batches
 * (`readScalars`), not each step, so that a GPU is not stalled every iteration.
 */
export interface StepStats {
  /** Encoder objective (pixel-mean MSE + β·ΣKL of the selected sample), or FISTA's objective per patch. */
  loss: tf.Scalar;
  /** Fraction of non-zero code entries in the batch. */
  nonzero: tf.Scalar;
}

/** Codes of a batch at evaluation, with what the metrics need. Plain arrays: the caller accumulates them. */
export interface EncodedBatch {
  /** Selected codes [B, K]. */
  codes: Float32Array;
  /** Per-sample encoder loss L_bj [B, J] (pixel-mean MSE + β·ΣKL); empty for FISTA. */
  perSample: Float32Array;
  /** Per-latent KL [B, K]; empty for FISTA. */
  klPerLatent: Float32Array;
}

/** A linear generator with its inference procedure; owns its tensors (call `dispose`). */
export class LinearVsc {
  readonly config: LinearVscConfig;
  /** Dictionary A [D, K]. */
  dictionary: tf.Tensor2D;
  readonly encoder: MlpEncoder | null;
  readonly #optimizer: NesterovMomentum | null;
  /** Training iterations done so far (drives every schedule). */
  iteration = 0;
  /** Epochs finished so far (drives the dictionary learning-rate decay). */
  epoch = 0;
  /** Top eigenvector of AᵀA from the last FISTA solve: A moves little per step, so it warm-starts the next. */
  #topEigenvector: Float64Array | undefined;

  constructor(config: LinearVscConfig, rng: Rng) {
    if ((config.method === "fista") !== (config.spec === null)) {
      throw new TypeError(`Cannot build model: method "${config.method}" and its latent spec disagree`);
    }
    this.config = config;
    // A: i.i.d. N(0, 1), then every column scaled to unit L2 norm (protocol §1.2).
    this.dictionary = tf.tidy(() => {
      const a = tf.tensor2d(rng.fork("dictionary").normalArray(config.patchDim * config.atoms), [
        config.patchDim,
        config.atoms,
      ]);
      return tf.div(a, tf.norm(a, 2, 0, true)); // [D, K]
    });
    this.encoder = config.spec
      ? new MlpEncoder(headNames(config.spec), rng.fork("encoder"), {
        inputDim: config.patchDim,
        hidden: config.hidden,
        latentDim: config.atoms,
      })
      : null;
    this.#optimizer = this.encoder ? new NesterovMomentum(this.encoder.variables(), config.momentum) : null;
  }

  /** Warm-up w and temperature τ at the current iteration (protocol §1.7); w = 1 for Gaussian bases. */
  schedule(): Schedule {
    const prior = this.config.spec?.prior;
    return latentSchedule(this.iteration, prior === "laplace" || prior === "spike_slab", this.config);
  }

  /** One training iteration on a batch x [B, D]; its statistics as tensors (the caller disposes them). */
  async trainStep(x: tf.Tensor2D, rng: Rng): Promise<StepStats> {
    const c = this.config;
    const dictLr = dictionaryLearningRate(this.epoch, { initial: c.dictLr, decay: c.dictLrDecay });
    let codes: tf.Tensor2D;
    let weights: tf.Tensor2D;
    let loss: tf.Scalar;
    if (this.encoder === null) {
      // FISTA baseline: MAP codes at the warmed-up λ, weight 1 per datum.
      const tau = c.fistaLambda *
        fistaLambdaWarmup(this.iteration, { initial: c.fistaWarmupStart, increment: c.fistaWarmupIncrement });
      const lipschitz = await this.#lipschitz();
      // A dictionary step that diverged (too large a learning rate) leaves non-finite atoms: that is a result, as
      // for the variational methods (NaN loss, the loop stops), not a crash of the solver.
      if (!Number.isFinite(lipschitz)) {
        this.iteration++;
        return { loss: tf.scalar(NaN), nonzero: tf.scalar(NaN) };
      }
      const solved = await solveLasso(x, this.dictionary, {
        tau,
        maxIter: c.fistaMaxIter,
        tol: c.fistaTol,
        lipschitz,
      });
      codes = solved.codes;
      weights = tf.ones([x.shape[0], 1]);
      loss = tf.scalar(solved.itstats.objective / x.shape[0]);
    } else {
      // 1. Encoder step.
      const lr = cycleLearningRate(this.iteration, {
        nIter: c.totalIterations,
        lrMax: c.encoderLr,
        warmupProportion: c.warmupProportion,
      });
      const out = this.#forward(x, c.samples, rng, this.schedule(), "train", lr);
      tf.dispose([out.perSample, out.klPerLatent]);
      codes = out.z;
      weights = out.weights;
      loss = out.loss;
    }
    // 2. Dictionary step with the codes of that same forward pass.
    const nonzero = nonzeroFraction(codes);
    if (c.selection === "max" && weights.shape[1] > 1) {
      // One-hot weights: the step only sees each datum's selected sample, so pass just those (J× fewer flops).
      [codes, weights] = selectedSamples(codes, weights);
    }
    const next = dictionaryStep(this.dictionary, { x, z: codes, w: weights }, {
      lr: dictLr,
      gamma: c.frobenius,
    });
    this.dictionary.dispose();
    this.dictionary = next;
    codes.dispose();
    weights.dispose();
    // 3. Schedules advance with the counter.
    this.iteration++;
    return { loss, nonzero };
  }

  /** ‖A‖₂² by Lanczos, started from the previous call's top eigenvector (A moves little per step). */
  async #lipschitz(): Promise<number> {
    const { value, vector } = await spectralNormSquared(this.dictionary, { v0: this.#topEigenvector });
    this.#topEigenvector = vector;
    return value;
  }

  /** Call after each epoch: the dictionary learning rate decays per epoch. */
  endEpoch(): void {
    this.epoch++;
  }

  /**
   * Encoder forward over J samples, decode with A, and the authors' objective. Mode "train" also takes the
   * optimizer step; "grads" returns the encoder gradients instead (caller disposes them); "eval" neither.
   * Returns the thresholded samples z [B·J, K] and selection weights [B, J] (caller disposes).
   */
  #forward(x: tf.Tensor2D, J: number, rng: Rng, sched: Schedule, mode: "train" | "grads" | "eval", lr = 0) {
    const c = this.config;
    let z!: tf.Tensor2D;
    let weights!: tf.Tensor2D;
    let perSample!: tf.Tensor2D;
    let klPerLatent!: tf.Tensor2D;
    const objective = () => {
      const heads = this.encoder!.forward(x);
      const latent = sampleLatent(heads as never, c.spec!, J, rng, sched);
      const xhat = matMulT(latent.z, this.dictionary, false, true); // [B·J, D]
      const recon = perSampleSquaredError(xhat, x); // [B, J]
      const obj = vscObjective(recon, latent.kl, c.beta, c.selection);
      z = tf.keep(latent.z);
      weights = tf.keep(obj.weights);
      perSample = tf.keep(obj.perSample);
      klPerLatent = tf.keep(latent.klPerLatent);
      return obj.loss;
    };
    let loss: tf.Scalar;
    let encoderGrads: tf.NamedTensorMap = {};
    if (mode === "eval") {
      loss = tf.tidy(objective);
    } else {
      const { value, grads } = tf.variableGrads(objective, this.encoder!.variables());
      if (mode === "train") {
        this.#optimizer!.apply(grads, lr);
        tf.dispose(grads);
      } else {
        encoderGrads = grads;
      }
      loss = value;
    }
    return { z, weights, perSample, klPerLatent, loss, encoderGrads };
  }

  /**
   * One draw of the stochastic gradients whose signal-to-noise ratio Fig. 4 reports (protocol §2.12), on a batch
   * x [B, D] with the warm-ups ramped and the temperature at its floor, as the authors' SNR scripts: the
   * gradient of the batch objective with respect to every encoder variable (concatenated in `variables()`
   * order) and the dictionary's data-term gradient (1/B) Σ_i Σ_j w_ij (x_i − A z_ij) z_ijᵀ (row-major [D, K]).
   * Variational methods only.
   */
  async gradientSample(
    x: tf.Tensor2D,
    rng: Rng,
  ): Promise<{ encoder: Float32Array; dictionary: Float32Array }> {
    const c = this.config;
    if (this.encoder === null) throw new TypeError(`Cannot sample encoder gradients of method "${c.method}"`);
    const out = this.#forward(x, c.samples, rng, { warmup: 1, temperature: c.temperatureMin }, "grads");
    const dict = dictionaryGradient(this.dictionary, { x, z: out.z, w: out.weights });
    // One flat tensor of every encoder gradient, read with the dictionary's in two reads.
    const flat = tf.tidy(() =>
      tf.concat(this.encoder!.variables().map((v) => tf.reshape(out.encoderGrads[v.name], [-1])))
    );
    tf.dispose([out.loss, out.z, out.weights, out.perSample, out.klPerLatent]);
    tf.dispose(out.encoderGrads);
    try {
      return { encoder: await readFloats(flat), dictionary: await readFloats(dict) };
    } finally {
      tf.dispose([flat, dict]);
    }
  }

  /**
   * Codes for evaluation (protocol §1.9, 2.8): the selected (best-of-J) thresholded sample per datum, with warm-ups
   * ramped to their final values; FISTA codes at the full λ for the baseline.
   */
  async encode(x: tf.Tensor2D, J: number, rng: Rng): Promise<EncodedBatch> {
    const c = this.config;
    if (this.encoder === null) {
      const { codes } = await solveLasso(x, this.dictionary, {
        tau: c.fistaLambda,
        maxIter: c.fistaMaxIter,
        tol: c.fistaTol,
        lipschitz: await this.#lipschitz(),
      });
      try {
        return {
          codes: await readFloats(codes),
          perSample: new Float32Array(),
          klPerLatent: new Float32Array(),
        };
      } finally {
        codes.dispose();
      }
    }
    // Evaluation ramps the warm-up to 1 and the temperature to 0.01, as the authors' ramp_hyperparams().
    const out = this.#forward(x, J, rng, { warmup: 1, temperature: 0.01 }, "eval");
    const [B] = x.shape;
    const K = c.atoms;
    const selected = tf.tidy(() => {
      const z3 = tf.reshape(out.z, [B, J, K]); // [B, J, K]
      const w3 = tf.expandDims(out.weights, 2); // [B, J, 1]
      // For "max" the weights are one-hot, so this is the selected sample; for "avg" take the first sample,
      // as the authors draw one uniformly (all are exchangeable).
      return c.selection === "max"
        ? tf.sum(tf.mul(z3, w3), 1)
        : tf.squeeze(tf.slice(z3, [0, 0, 0], [B, 1, K]), [1]);
    });
    try {
      return {
        codes: await readFloats(selected),
        perSample: await readFloats(out.perSample),
        klPerLatent: await readFloats(out.klPerLatent),
      };
    } finally {
      tf.dispose([selected, out.loss, out.z, out.weights, out.perSample, out.klPerLatent]);
    }
  }

  /** Tensors to save, by name. */
  named(): Record<string, tf.Tensor> {
    return { dictionary: this.dictionary, ...(this.encoder ? prefix("encoder.", this.encoder.named()) : {}) };
  }

  /** Restore saved tensors (from `named()` of a model with the same config). */
  load(saved: Record<string, tf.Tensor>): void {
    this.dictionary.dispose();
    this.dictionary = tf.clone(saved.dictionary) as tf.Tensor2D;
    if (this.encoder) {
      const enc: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(saved)) if (k.startsWith("encoder.")) enc[k.slice(8)] = v;
      this.encoder.assign(enc);
    }
  }

  dispose(): void {
    this.dictionary.dispose();
    this.encoder?.dispose();
    this.#optimizer?.dispose();
  }
}

/**
 * The fraction of non-zero entries of `codes` [N, K], with the bits of `tf.mean(tf.cast(tf.notEqual(codes, 0)))`.
 * On wasm, one host pass over the heap (three kernels and two [N, K] intermediates otherwise: ~10% of a J = 20
 * step): the backend's mean is a float32 sum then one division by the size, the sum of zeros and ones is an exact
 * integer below 2²⁴ in any order, and the one float32 rounding of count / size is what assigning the float64
 * quotient to a float32 gives. The kernels elsewhere (the cpu backend divides each element first, other bits).
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { useBackend } from "../tensor/backend.ts";
 * import { nonzeroFraction } from "./linear_vsc.ts";
 * await useBackend("wasm");
 * const codes = tf.tensor2d([[0, 1.5], [-0, -2]]);
 * const f = nonzeroFraction(codes);
 * if (f.dataSync()[0] !== 0.5) throw new Error("two of four entries are non-zero");
 * tf.dispose([codes, f]);
 * ```
 */
export function nonzeroFraction(codes: tf.Tensor2D): tf.Scalar {
  if (tf.getBackend() !== "wasm" || codes.size > 2 ** 24) {
    return tf.tidy(() => tf.mean(tf.cast(tf.notEqual(codes, 0), "float32")) as tf.Scalar);
  }
  const [fraction] = hostCompute([codes], [[]], ([z], [out]) => {
    let count = 0;
    // Without a branch: a thresholded code's zeros fall at random, and a mispredicted branch per entry cost 10×
    // the loop (2.8 against 0.23 ms on 512,000 half-zero floats). NaN counts, as notEqual(NaN, 0) is true.
    for (let i = 0; i < z.length; i++) count += Number(z[i] !== 0);
    out[0] = count / z.length;
  });
  return fraction as tf.Scalar;
}

/**
 * The selected sample of each datum under one-hot weights w [B, J]: codes [B, K] and weights 1 [B, 1]; disposes
 * z and w. The sample is `argMax` of the datum's weights (the first of equal maxima, as tfjs's kernels take it),
 * its row copied as is. One host pass where tensors live on the host; gather by `argMax` on a GPU.
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { selectedSamples } from "./linear_vsc.ts";
 * await tf.ready();
 * const z = tf.tensor2d([[1, 1], [2, 2], [3, 3], [4, 4]]); // B = 2 data × J = 2 samples, K = 2
 * const w = tf.tensor2d([[0, 1], [1, 0]]); // datum 0 selects its sample 1, datum 1 its sample 0
 * const [codes, ones] = selectedSamples(z, w); // disposes z and w
 * if (codes.dataSync().join() !== "2,2,3,3") throw new Error("selected rows");
 * tf.dispose([codes, ones]);
 * ```
 */
export function selectedSamples(z: tf.Tensor2D, w: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const [B, J] = w.shape, K = z.shape[1];
  let selected: tf.Tensor2D;
  if (onHostBackend()) {
    [selected] = hostCompute([z, w], [[B, K]], ([zv, wv], [out]) => {
      for (let b = 0; b < B; b++) {
        let best = 0;
        for (let j = 1; j < J; j++) if (wv[b * J + j] > wv[b * J + best]) best = j;
        out.set(zv.subarray((b * J + best) * K, (b * J + best + 1) * K), b * K);
      }
    }) as tf.Tensor2D[];
  } else {
    const rows = tf.tidy(() => tf.add(tf.cast(tf.argMax(w, 1), "int32"), tf.range(0, B * J, J, "int32"))); // [B]
    selected = tf.gather(z, rows) as tf.Tensor2D;
    rows.dispose();
  }
  tf.dispose([z, w]);
  return [selected, tf.ones([B, 1])];
}

function prefix<T>(p: string, o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [p + k, v]));
}
