/**
 * Maximise one of the baseline ELBOs (`baseline_elbos.ts`: analytic, or Monte-Carlo with S draws) over diagonal
 * per-data-point posteriors, the unnormalised fields W and ln σ², by full-batch Adam — the same optimiser, steps and
 * learning rate as the entropy-ELBO runs (`fit.ts`), so that the objectives are compared, not the optimisers.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import type { Rng } from "../tensor/rng.ts";
import { Adam } from "../vsc/conv/adam.ts";
import { analyticLaplaceElbo, type BaselineParams, monteCarloLaplaceElbo } from "./baseline_elbos.ts";
import { entropyElbo } from "./entropy_elbo.ts";
import type { Posteriors } from "./posterior_families.ts";

/** The baselines of Velychko et al.'s code base. */
export const BASELINE_OBJECTIVES = ["analytic", "monte_carlo"] as const;
export type BaselineObjective = typeof BASELINE_OBJECTIVES[number];

/**
 * Diagonal posteriors of fields W carried to the scale of W̃'s unit columns: W z = W̃ (‖w‖ ⊙ z), so means and
 * spreads scale by the column norms ‖w_h‖. L^H normalises the columns inside, so its posteriors are on this scale
 * already; a baseline, whose objective sees the unnormalised W, needs this to be compared with it.
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { unitScaleCodes } from "./fit_baseline.ts";
 * await tf.ready();
 * const w = tf.tensor2d([[3, 0], [4, 2]]); // column norms 5 and 2
 * const q = unitScaleCodes({ mu: tf.tensor2d([[1, 1]]), s: tf.tensor2d([[0.1, 0.5]]) }, w);
 * if (q.mu.arraySync()[0].join() !== "5,2" || q.s.arraySync()[0].join() !== "0.5,1") throw new Error();
 * tf.dispose([w, q.mu, q.s]);
 * ```
 */
export function unitScaleCodes(
  q: { mu: tf.Tensor2D; s: tf.Tensor2D },
  w: tf.Tensor,
): { mu: tf.Tensor2D; s: tf.Tensor2D } {
  return tf.tidy(() => {
    const norms = tf.norm(w, "euclidean", 0); // [H]
    return { mu: tf.mul(q.mu, norms) as tf.Tensor2D, s: tf.mul(q.s, norms) as tf.Tensor2D };
  });
}

/** Options of {@link fitBaselineElbo}. */
export interface BaselineFitOptions {
  objective: BaselineObjective;
  /** The Laplace prior's fixed scale b (the authors: 1). */
  b: number;
  /** Monte-Carlo draws per datum and step (the authors: 10). */
  samples: number;
  /** Draws the Monte-Carlo noise. */
  rng: Rng;
  steps: number;
  lr: number;
  logEvery: number;
  onLog?: (point: { step: number; elbo: number }) => void;
}

/** The end of a baseline fit. */
export interface BaselineFitResult {
  /** The analytic value of the objective every `logEvery` steps (for both objectives: exact, not an estimate). */
  history: { step: number; elbo: number }[];
  /** The analytic baseline ELBO at the end (nats per datum). */
  elbo: number;
  /**
   * The entropy ELBO L^H of the final model point: the fields' unit columns W̃ and the posteriors rescaled by the
   * column norms (the same W z), at L^H's λ*, σ*².
   */
  entropyElbo: number;
  /** The learned noise variance σ². */
  sigma2: number;
}

/**
 * Fit diagonal `posteriors`, the fields `w` [D, H] (a variable owned by the caller, updated in place) and ln σ² to
 * `x` [N, D].
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { Rng } from "../tensor/rng.ts";
 * import { createPosteriors } from "./posterior_families.ts";
 * import { fitBaselineElbo } from "./fit_baseline.ts";
 * await tf.ready();
 * const x = tf.tensor2d(new Rng(0).normalArray(40), [20, 2]);
 * const w = tf.variable(tf.eye(2));
 * const q = createPosteriors("diagonal", { n: 20, d: 2, h: 2 }, new Rng(1));
 * const fit = await fitBaselineElbo(x, w, q, { objective: "monte_carlo", b: 1, samples: 4, rng: new Rng(2), steps: 60, lr: 0.05, logEvery: 30 });
 * if (!(fit.elbo > fit.history[0].elbo)) throw new Error("the ELBO should rise");
 * tf.dispose([x, w]);
 * q.dispose();
 * ```
 */
export async function fitBaselineElbo(
  x: tf.Tensor2D,
  w: tf.Variable,
  posteriors: Posteriors,
  options: BaselineFitOptions,
): Promise<BaselineFitResult> {
  if (posteriors.family !== "diagonal") {
    throw new TypeError(
      `Cannot fit a baseline ELBO: it needs diagonal posteriors, received "${posteriors.family}"`,
    );
  }
  const { objective, b, samples, rng, steps, lr, logEvery, onLog } = options;
  const logSigma2 = tf.tidy(() => tf.variable(tf.scalar(0)));
  const variables = [...posteriors.variables, w, logSigma2];
  const adam = new Adam(variables, { beta1: 0.9, beta2: 0.999 });
  const params = (): BaselineParams => {
    const q = posteriors.of(x) as { mu: tf.Tensor2D; s: tf.Tensor2D };
    return { mu: q.mu, s: q.s, w: w as tf.Tensor2D, logSigma2 };
  };
  const exact = async (step: number) => {
    const p = params();
    const value = analyticLaplaceElbo(x, p, b);
    try {
      return { step, elbo: (await value.data())[0] };
    } finally {
      tf.dispose([value, p.mu, p.s]);
    }
  };
  const history = [await exact(0)];
  onLog?.(history[0]);
  try {
    for (let step = 1; step <= steps; step++) {
      const { value, grads } = tf.variableGrads(() => {
        const p = params();
        const elbo = objective === "analytic"
          ? analyticLaplaceElbo(x, p, b)
          : monteCarloLaplaceElbo(x, p, b, samples, rng);
        return tf.neg(elbo) as tf.Scalar;
      }, variables);
      adam.apply(grads, lr);
      tf.dispose([value, ...Object.values(grads)]);
      if (step % logEvery === 0 || step === steps) {
        const point = await exact(step);
        if (!Number.isFinite(point.elbo)) {
          throw new Error(`Cannot fit the ${objective} ELBO: it became ${point.elbo} at step ${step}`);
        }
        history.push(point);
        onLog?.(point);
      }
    }
    // The same model point on L^H's scale (unit-norm columns W̃, codes scaled by the column norms).
    const p = params();
    const scaled = unitScaleCodes(p, w);
    const lh = entropyElbo(x, { ...scaled, w: w as tf.Tensor2D });
    tf.dispose([scaled.mu, scaled.s]);
    const result = {
      history,
      elbo: history.at(-1)!.elbo,
      entropyElbo: (await lh.elbo.data())[0],
      sigma2: Math.exp((await logSigma2.data())[0]),
    };
    tf.dispose([p.mu, p.s, ...Object.values(lh)]);
    return result;
  } finally {
    adam.dispose();
    logSigma2.dispose();
  }
}
