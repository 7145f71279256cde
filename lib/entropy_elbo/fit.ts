/**
 * Maximise the entropy ELBO L^H (protocol §5.2) over a posterior family and, unless it is held fixed, the generative
 * fields W, by full-batch Adam. (The authors use L-BFGS on the bars; Adam reaches the same optimum more slowly and
 * needs no line search, which tfjs lacks.) The loss is read back every `logEvery` steps only, asynchronously.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { Adam } from "../vsc/conv/adam.ts";
import { entropyElbo, type EntropyElboResult } from "./entropy_elbo.ts";
import { diagonalPosteriorGradient } from "./diagonal_gradient.ts";
import type { Posteriors } from "./posterior_families.ts";

/** One logged point of a fit (nats per datum, at s_prior = 1 whatever the annealing). */
export interface FitPoint {
  step: number;
  elbo: number;
  posteriorEntropy: number;
  priorEntropy: number;
  likelihoodEntropy: number;
}

/** An epoch's record in the mini-batch fits (EM, amortised): batch means of L^H and its terms, and the annealing. */
export type EpochPoint = FitPoint & { priorScale: number };

/**
 * The epoch's record from the sums of L^H and its three entropy terms over its `batches` mini-batches.
 *
 * @example
 * ```ts
 * import { epochPoint } from "./fit.ts";
 * const sum = { elbo: -4, posteriorEntropy: 2, priorEntropy: 6, likelihoodEntropy: 8 };
 * const p = epochPoint(sum, 2, 0, 0.5);
 * if (p.step !== 1 || p.elbo !== -2 || p.priorScale !== 0.5) throw new Error(JSON.stringify(p));
 * ```
 */
export function epochPoint(
  sum: Omit<FitPoint, "step">,
  batches: number,
  epoch: number,
  priorScale: number,
): EpochPoint {
  return {
    step: epoch + 1,
    elbo: sum.elbo / batches,
    posteriorEntropy: sum.posteriorEntropy / batches,
    priorEntropy: sum.priorEntropy / batches,
    likelihoodEntropy: sum.likelihoodEntropy / batches,
    priorScale,
  };
}

/** Options of {@link fitEntropyElbo}. */
export interface FitOptions {
  steps: number;
  /** Adam learning rate (betas 0.9, 0.999). */
  lr: number;
  /** Read and record L^H every this many steps (and after the last). */
  logEvery: number;
  /** Train W too (false: W stays as given, e.g. the generating fields). */
  learnW: boolean;
  /** s_prior for a step (entropy annealing); 1 when absent. */
  priorScale?: (step: number) => number;
  /** Called with each logged point (progress display). */
  onLog?: (point: FitPoint) => void;
}

/** The final state of a fit. */
export interface FitResult {
  history: FitPoint[];
  /** L^H and its parts at the end, s_prior = 1. */
  final: FitPoint;
  /** λ* [H] and σ*² at the end. */
  lambda: Float32Array;
  sigma2: number;
}

/** Read an entropyElbo result as numbers (asynchronously). */
async function readPoint(step: number, r: EntropyElboResult): Promise<FitPoint> {
  const [elbo, posteriorEntropy, priorEntropy, likelihoodEntropy] = await Promise.all(
    [r.elbo, r.posteriorEntropy, r.priorEntropy, r.likelihoodEntropy].map(async (t) => (await t.data())[0]),
  );
  return { step, elbo, posteriorEntropy, priorEntropy, likelihoodEntropy };
}

/**
 * Fit `posteriors` (and `w` [D, H] when `learnW`) to the data `x` [N, D]. `w` is a variable owned by the caller and
 * is updated in place; its columns are normalised inside the objective.
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { Rng } from "../tensor/rng.ts";
 * import { createPosteriors } from "./posterior_families.ts";
 * import { fitEntropyElbo } from "./fit.ts";
 * await tf.ready();
 * const x = tf.tensor2d(new Rng(0).normalArray(40), [20, 2]);
 * const w = tf.variable(tf.eye(2));
 * const q = createPosteriors("diagonal", { n: 20, d: 2, h: 2 }, new Rng(1));
 * const fit = await fitEntropyElbo(x, w, q, { steps: 50, lr: 0.05, logEvery: 25, learnW: false });
 * if (!(fit.final.elbo > fit.history[0].elbo)) throw new Error("the ELBO should rise");
 * tf.dispose([x, w]);
 * q.dispose();
 * ```
 */
export async function fitEntropyElbo(
  x: tf.Tensor2D,
  w: tf.Variable,
  posteriors: Posteriors,
  options: FitOptions,
): Promise<FitResult> {
  const { steps, lr, logEvery, learnW, priorScale = () => 1, onLog } = options;
  const variables = learnW ? [...posteriors.variables, w] : posteriors.variables;
  const adam = new Adam(variables, { beta1: 0.9, beta2: 0.999 });
  const evaluate = (): EntropyElboResult => {
    const q = posteriors.of(x);
    try {
      return entropyElbo(x, { ...q, w: w as tf.Tensor2D });
    } finally {
      tf.dispose([q.mu, q.s ?? q.l]);
    }
  };
  const measure = async (step: number) => {
    const r = evaluate();
    try {
      return await readPoint(step, r);
    } finally {
      tf.dispose(Object.values(r));
    }
  };
  const history: FitPoint[] = [await measure(0)];
  onLog?.(history[0]);
  // Diagonal posteriors (variables [μ, ln s]) under fixed fields: the gradient in closed form
  // (`diagonal_gradient.ts`), not by autodiff.
  const wTilde = !learnW && posteriors.family === "diagonal"
    ? tf.tidy(() => tf.div(w, tf.norm(w, "euclidean", 0, true)) as tf.Tensor2D)
    : undefined;
  try {
    for (let step = 1; step <= steps; step++) {
      const scale = priorScale(step);
      if (wTilde) {
        const [mu, logS] = posteriors.variables as tf.Variable<tf.Rank.R2>[];
        const g = diagonalPosteriorGradient(x, mu, logS, wTilde, scale);
        adam.apply({ [mu.name]: g.mu, [logS.name]: g.logS }, lr);
        tf.dispose([g.mu, g.logS]);
      } else {
        const { value, grads } = tf.variableGrads(() => {
          const q = posteriors.of(x);
          const r = entropyElbo(x, { ...q, w: w as tf.Tensor2D }, { priorScale: scale });
          return tf.neg(r.elbo) as tf.Scalar;
        }, variables);
        adam.apply(grads, lr);
        tf.dispose([value, ...Object.values(grads)]);
      }
      if (step % logEvery === 0 || step === steps) {
        const point = await measure(step);
        if (!Number.isFinite(point.elbo)) {
          throw new Error(`Cannot fit the entropy ELBO: it became ${point.elbo} at step ${step}`);
        }
        history.push(point);
        onLog?.(point);
      }
    }
  } finally {
    adam.dispose();
    wTilde?.dispose();
  }
  const r = evaluate();
  const [lambda, sigma2] = [await r.lambda.data() as Float32Array, (await r.sigma2.data())[0]];
  const final = await readPoint(steps, r);
  tf.dispose(Object.values(r));
  return { history, final, lambda, sigma2 };
}
