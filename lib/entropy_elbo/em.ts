/**
 * The EM variant of Velychko et al.'s image-patch experiment (protocol §5.4 (i)): per-data-point diagonal Gaussian
 * posteriors kept for every training point, and per mini-batch
 *
 *   E-step: `eSteps` Adam steps on the batch's (μ, log s) maximising L^H with W̃ fixed (the authors: L-BFGS);
 *   M-step: one gradient-ascent step on W, W ← W + η·∂L^H/∂W (the authors' η = 0.5);
 *
 * with the prior entropy scaled by s_prior(epoch) (entropy annealing, `priorEntropyScale`). λ* and σ*² are the
 * batch's closed-form optima, as in the authors' code. Every batch's L^H (at s_prior = 1) is read back
 * asynchronously with the posteriors it just fitted.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import type { Rng } from "../tensor/rng.ts";
import { Adam } from "../vsc/conv/adam.ts";
import { entropyElbo } from "./entropy_elbo.ts";
import { diagonalPosteriorGradient } from "./diagonal_gradient.ts";
import { type EpochPoint, epochPoint } from "./fit.ts";

/** Options of {@link fitEm}. */
export interface EmOptions {
  epochs: number;
  batchSize: number;
  /** Adam steps of each E-step, and their learning rate. */
  eSteps: number;
  eLr: number;
  /** Step size η of the M-step's gradient ascent on W. */
  wLr: number;
  /** s_prior for an epoch (0-based); 1 when absent. */
  priorScale?: (epoch: number) => number;
  /** Called after each epoch with its mean L^H and entropy terms (s_prior = 1). */
  onEpoch?: (point: EpochPoint) => void;
}

/** The posteriors of every training point after {@link fitEm}: μ and s, [N × H] row-major. */
export interface EmPosteriors {
  mu: Float32Array;
  s: Float32Array;
}

/**
 * Fit W (a variable [D, H], updated in place; columns normalised inside L^H) and the posteriors of the N rows of
 * `x` ([N × D] row-major) by mini-batch EM. Batches are drawn from a fresh permutation every epoch.
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { Rng } from "../tensor/rng.ts";
 * import { fitEm } from "./em.ts";
 * await tf.ready();
 * const x = new Rng(0).normalArray(32 * 4);
 * const w = tf.tidy(() => tf.variable(tf.randomNormal([4, 3], 0, 1, "float32", 1)));
 * const fit = await fitEm(x, w, { n: 32, d: 4, h: 3 }, new Rng(1),
 *   { epochs: 2, batchSize: 16, eSteps: 5, eLr: 0.05, wLr: 0.1 });
 * if (fit.history.length !== 2 || fit.posteriors.mu.length !== 32 * 3) throw new Error();
 * w.dispose();
 * ```
 */
export async function fitEm(
  x: Float32Array,
  w: tf.Variable,
  dims: { n: number; d: number; h: number },
  rng: Rng,
  options: EmOptions,
): Promise<{ history: EpochPoint[]; posteriors: EmPosteriors }> {
  const { n, d, h } = dims;
  const { epochs, batchSize, eSteps, eLr, wLr, priorScale = () => 1, onEpoch } = options;
  if (x.length !== n * d || batchSize > n) {
    throw new RangeError(
      `Cannot fit by EM: ${x.length} values for ${n} × ${d} data, batch size ${batchSize}`,
    );
  }
  const mu = new Float32Array(n * h);
  const s = new Float32Array(n * h).fill(1);
  const history: EpochPoint[] = [];
  const batches = Math.floor(n / batchSize);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const scale = priorScale(epoch);
    const order = rng.permutation(n);
    const sum = { elbo: 0, posteriorEntropy: 0, priorEntropy: 0, likelihoodEntropy: 0 };
    for (let b = 0; b < batches; b++) {
      const rows = order.subarray(b * batchSize, (b + 1) * batchSize);
      const gather = (from: Float32Array, width: number) => {
        const out = new Float32Array(rows.length * width);
        rows.forEach((r, i) => out.set(from.subarray(r * width, (r + 1) * width), i * width));
        return out;
      };
      const xb = tf.tensor2d(gather(x, d), [rows.length, d]);
      const muB = tf.tidy(() => tf.variable(tf.tensor2d(gather(mu, h), [rows.length, h])));
      const logS = tf.tidy(() => tf.variable(tf.log(tf.tensor2d(gather(s, h), [rows.length, h]))));
      const adam = new Adam([muB, logS], { beta1: 0.9, beta2: 0.999 });
      // Its tensors are either taped (inside variableGrads) or swept by the tidy around the evaluation.
      const objective = (k: number) =>
        entropyElbo(xb, { mu: muB as tf.Tensor2D, s: tf.exp(logS) as tf.Tensor2D, w: w as tf.Tensor2D }, {
          priorScale: k,
        });
      // The E-step's gradient in closed form (the fields are fixed in it): a third of the autodiff tape's kernels.
      const wTilde = tf.tidy(() => tf.div(w, tf.norm(w, "euclidean", 0, true)) as tf.Tensor2D);
      try {
        for (let t = 0; t < eSteps; t++) {
          const g = diagonalPosteriorGradient(xb, muB, logS, wTilde, scale);
          adam.apply({ [muB.name]: g.mu, [logS.name]: g.logS }, eLr);
          tf.dispose([g.mu, g.logS]);
        }
        const { value, grads } = tf.variableGrads(() => tf.neg(objective(scale).elbo) as tf.Scalar, [w]);
        tf.tidy(() => w.assign(tf.sub(w, tf.mul(grads[w.name], wLr))));
        tf.dispose([value, ...Object.values(grads)]);
        const terms = tf.tidy(() => {
          const r = objective(1);
          return [r.elbo, r.posteriorEntropy, r.priorEntropy, r.likelihoodEntropy];
        });
        const parts = await Promise.all(terms.map(async (t) => (await t.data())[0]));
        tf.dispose(terms);
        if (!Number.isFinite(parts[0])) {
          throw new Error(`Cannot fit by EM: L^H became ${parts[0]} in epoch ${epoch}, batch ${b}`);
        }
        sum.elbo += parts[0];
        sum.posteriorEntropy += parts[1];
        sum.priorEntropy += parts[2];
        sum.likelihoodEntropy += parts[3];
        const [muData, logSData] = await Promise.all([muB.data(), logS.data()]);
        rows.forEach((row, i) => {
          mu.set(muData.subarray(i * h, (i + 1) * h), row * h);
          for (let k = 0; k < h; k++) s[row * h + k] = Math.exp(logSData[i * h + k]);
        });
      } finally {
        adam.dispose();
        tf.dispose([xb, muB, logS, wTilde]);
      }
    }
    const point = epochPoint(sum, batches, epoch, scale);
    history.push(point);
    onEpoch?.(point);
  }
  return { history, posteriors: { mu, s } };
}
