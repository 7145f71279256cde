/**
 * The amortised variant of Velychko et al.'s image-patch experiment (protocol §5.4 (ii)): one encoder network
 * (the `amortised` posterior family, their residual MLP) and the fields W trained jointly by mini-batch Adam on
 * L^H (the authors: lr 1e-3, batch 512, 200 epochs), with the prior entropy scaled by s_prior(epoch) (entropy
 * annealing; the authors define max(1, 2 − 0.1·epoch) for this variant). λ* and σ*² are each batch's
 * closed-form optima. The per-epoch L^H and its terms (at s_prior = 1) are the batch means, read back once per
 * batch asynchronously.
 *
 * The same loop trains the baselines of the authors' code base on the same footing (`objective`): the analytic or
 * Monte-Carlo Gaussian–Laplace ELBO of `baseline_elbos.ts`, with a learned ln σ² and the unnormalised W. Their
 * history is still L^H and its terms, of the model point carried to the unit-column scale (`unitScaleCodes`), so
 * that every variant's curve is on one scale; the baseline's own value is returned per epoch beside it.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import type { Rng } from "../tensor/rng.ts";
import { Adam } from "../vsc/conv/adam.ts";
import { entropyElbo } from "./entropy_elbo.ts";
import { type EpochPoint, epochPoint } from "./fit.ts";
import type { Posteriors } from "./posterior_families.ts";
import { analyticLaplaceElbo, monteCarloLaplaceElbo } from "./baseline_elbos.ts";
import { type BaselineObjective, unitScaleCodes } from "./fit_baseline.ts";

/**
 * What the encoder and the fields maximise: L^H (`entropy`, the default), or a baseline ELBO with a Laplace(0, b)
 * prior — analytic, or Monte-Carlo with `samples` draws from `rng`.
 */
export type AmortisedObjective =
  | { kind: "entropy" }
  | { kind: BaselineObjective; b: number; samples: number; rng: Rng };

/** Options of {@link fitAmortised}. */
export interface AmortisedOptions {
  epochs: number;
  batchSize: number;
  /** Adam learning rate for the encoder and the fields (betas 0.9, 0.999). */
  lr: number;
  /** s_prior for an epoch (0-based); 1 when absent. */
  priorScale?: (epoch: number) => number;
  /** Called after each epoch with its mean L^H and entropy terms (s_prior = 1). */
  onEpoch?: (point: EpochPoint) => void;
  /** @default { kind: "entropy" } */
  objective?: AmortisedObjective;
}

/** The end of an amortised fit. */
export interface AmortisedResult {
  /** Per epoch: L^H and its terms (s_prior = 1) of the model point, on the unit-column scale. */
  history: EpochPoint[];
  /** Per epoch: the mean of the objective maximised, at s_prior = 1 (for L^H: `history[i].elbo`). */
  objectiveHistory: number[];
  /** The learned noise variance σ² of a baseline objective (L^H's σ*² is a closed-form optimum instead). */
  sigma2?: number;
}

/**
 * Train `encoder` (an `amortised` family) and the fields `w` (a variable [D, H], updated in place; its columns
 * are normalised inside L^H) on the N rows of `x` ([N × D] row-major).
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { Rng } from "../tensor/rng.ts";
 * import { createPosteriors } from "./posterior_families.ts";
 * import { fitAmortised } from "./fit_amortised.ts";
 * await tf.ready();
 * const x = new Rng(0).normalArray(64 * 4);
 * const w = tf.tidy(() => tf.variable(tf.randomNormal([4, 3], 0, 1, "float32", 1)));
 * const encoder = createPosteriors("amortised", { n: 64, d: 4, h: 3 }, new Rng(1));
 * const fit = await fitAmortised(x, w, encoder, { n: 64, d: 4 }, new Rng(2), { epochs: 3, batchSize: 16, lr: 0.01 });
 * if (fit.history.length !== 3 || !(fit.history[2].elbo > fit.history[0].elbo)) throw new Error("L^H should rise");
 * w.dispose();
 * encoder.dispose();
 * ```
 */
export async function fitAmortised(
  x: Float32Array,
  w: tf.Variable,
  encoder: Posteriors,
  dims: { n: number; d: number },
  rng: Rng,
  options: AmortisedOptions,
): Promise<AmortisedResult> {
  const { n, d } = dims;
  const { epochs, batchSize, lr, priorScale = () => 1, onEpoch, objective = { kind: "entropy" } } = options;
  if (encoder.family !== "amortised" || x.length !== n * d || batchSize > n) {
    throw new RangeError(
      `Cannot fit an amortised encoder: family "${encoder.family}", ${x.length} values for ${n} × ${d} data, ` +
        `batch size ${batchSize}`,
    );
  }
  const logSigma2 = objective.kind === "entropy" ? undefined : tf.tidy(() => tf.variable(tf.scalar(0)));
  const variables = [...encoder.variables, w, ...(logSigma2 ? [logSigma2] : [])];
  const adam = new Adam(variables, { beta1: 0.9, beta2: 0.999 });
  const history: EpochPoint[] = [];
  const objectiveHistory: number[] = [];
  const batches = Math.floor(n / batchSize);
  const rows = new Float32Array(batchSize * d);
  // The loss to minimise for a batch, and (kept) L^H's three terms at s_prior = 1, then a baseline's value (for
  // L^H the value is the terms' signed sum, formed on the host).
  const lossOf = (xb: tf.Tensor2D, scale: number): { loss: tf.Scalar; kept: tf.Scalar[] } => {
    const q = encoder.of(xb) as { mu: tf.Tensor2D; s: tf.Tensor2D };
    if (objective.kind === "entropy") {
      // The terms do not depend on s_prior: L^H at s_prior = 1 is their signed sum.
      const r = entropyElbo(xb, { ...q, w: w as tf.Tensor2D }, { priorScale: scale });
      const kept = [r.posteriorEntropy, r.priorEntropy, r.likelihoodEntropy].map((t) => tf.keep(t.clone()));
      return { loss: tf.neg(r.elbo) as tf.Scalar, kept };
    }
    const p = { ...q, w: w as tf.Tensor2D, logSigma2: logSigma2! };
    const elbo = objective.kind === "analytic"
      ? analyticLaplaceElbo(xb, p, objective.b)
      : monteCarloLaplaceElbo(xb, p, objective.b, objective.samples, objective.rng);
    const r = entropyElbo(xb, { ...unitScaleCodes(q, w), w: w as tf.Tensor2D });
    const kept = [r.posteriorEntropy, r.priorEntropy, r.likelihoodEntropy, elbo].map((t) =>
      tf.keep(t.clone())
    );
    return { loss: tf.neg(elbo) as tf.Scalar, kept };
  };
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const scale = priorScale(epoch);
      const order = rng.permutation(n);
      const sum = { elbo: 0, posteriorEntropy: 0, priorEntropy: 0, likelihoodEntropy: 0 };
      let objectiveSum = 0;
      for (let b = 0; b < batches; b++) {
        for (let i = 0; i < batchSize; i++) {
          const r = order[b * batchSize + i];
          rows.set(x.subarray(r * d, (r + 1) * d), i * d);
        }
        const xb = tf.tensor2d(rows, [batchSize, d]);
        let kept: tf.Scalar[] = [];
        const { value, grads } = tf.variableGrads(() => {
          const out = lossOf(xb, scale);
          kept = out.kept;
          return out.loss;
        }, variables);
        adam.apply(grads, lr);
        tf.dispose([value, xb, ...Object.values(grads)]);
        const [hq, hp, hl, baselineValue] = await Promise.all(kept.map(async (t) => (await t.data())[0]));
        tf.dispose(kept);
        const elbo = hq - hp - hl;
        const objectiveValue = baselineValue ?? elbo;
        if (!Number.isFinite(elbo) || !Number.isFinite(objectiveValue)) {
          throw new Error(
            `Cannot fit the amortised encoder: the ${objective.kind} objective became ${objectiveValue} ` +
              `(L^H ${elbo}) in epoch ${epoch}, batch ${b}`,
          );
        }
        sum.elbo += elbo;
        sum.posteriorEntropy += hq;
        sum.priorEntropy += hp;
        sum.likelihoodEntropy += hl;
        objectiveSum += objectiveValue;
      }
      const point = epochPoint(sum, batches, epoch, scale);
      history.push(point);
      objectiveHistory.push(objectiveSum / batches);
      onEpoch?.(point);
    }
    return {
      history,
      objectiveHistory,
      sigma2: logSigma2 ? Math.exp((await logSigma2.data())[0]) : undefined,
    };
  } finally {
    adam.dispose();
    logSigma2?.dispose();
  }
}
