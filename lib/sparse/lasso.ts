/**
 * The lasso (basis pursuit denoising) as a FISTA problem, for a batch of signals in rows:
 *
 *   min_X ½‖Y − X Aᵀ‖²_F + τ‖X‖₁,  Y [B, D], A [D, K], X [B, K]
 *
 * which is the authors' per-column problem min_b ½‖y − A b‖² + τ‖b‖₁ (protocol §1.8) written for row-major batches.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { readFloats } from "../tensor/readback.ts";
import {
  fista,
  type FistaOptions,
  type FistaStats,
  type ObjectiveTerms,
  type ProximalProblem,
} from "./fista.ts";
import { softThreshold, softThresholdInto } from "./soft_threshold.ts";
import { spectralNormSquared } from "./spectral_norm.ts";

/** A lasso problem that owns its precomputed tensors; call `dispose()` when done. */
export interface LassoProblem extends ProximalProblem {
  /** The l1 weight τ. */
  readonly tau: number;
  dispose(): void;
}

/** Options of {@link lasso}. */
export interface LassoOptions {
  /** A known ‖A‖₂² (skips the Lanczos iteration, e.g. when solving many batches with one A). */
  lipschitz?: number;
}

/**
 * Build the lasso problem for FISTA (protocol §1.8):
 *
 * - start x₀ = Aᵀy for each row, i.e. X₀ = Y A  [B, K]
 * - f(X) = ½‖Y − X Aᵀ‖²_F, ∇f(X) = (X Aᵀ − Y) A = X G − Y A with G = AᵀA  [K, K]
 * - g(X) = τ‖X‖₁, prox_{g/L}(V) = soft(V, τ/L)
 * - L = ‖A‖₂² (Lanczos, see {@link spectralNormSquared})
 *
 * G, Y A and the step matrix I − G/L are formed once with non-transposed matMuls (the wasm backend's transposed
 * matMul is much slower), so one FISTA gradient step costs a single [B, K]×[K, K] product and one add.
 *
 * @param y signals Y [B, D]
 * @param a dictionary A [D, K]
 * @param tau l1 weight τ ≥ 0
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { lasso } from "./lasso.ts";
 * await tf.ready();
 * const problem = await lasso(tf.tensor2d([[1, 2]]), tf.tensor2d([[2, 0], [0, 1]]), 0.5);
 * if (Math.abs(problem.lipschitz - 4) > 1e-9) throw new Error("wrong Lipschitz constant");
 * const x0 = problem.start();
 * if (x0.arraySync()[0].join() !== "2,2") throw new Error("wrong start");
 * x0.dispose();
 * problem.dispose();
 * ```
 */
export async function lasso(
  y: tf.Tensor2D,
  a: tf.Tensor2D,
  tau: number,
  options: LassoOptions = {},
): Promise<LassoProblem> {
  if (y.rank !== 2 || a.rank !== 2 || y.shape[1] !== a.shape[0]) {
    throw new RangeError(
      `Cannot build lasso: "y" [B, D] and "a" [D, K] must agree on D, received [${y.shape}] and [${a.shape}]`,
    );
  }
  if (!(tau >= 0)) throw new RangeError(`Cannot build lasso: "tau" must be non-negative, received ${tau}`);
  const [at, gram] = tf.tidy(() => {
    const at = tf.transpose(a) as tf.Tensor2D; // [K, D]
    return [at, tf.matMul(at, a)] as const; // G [K, K]
  });
  let lipschitz: number;
  try {
    lipschitz = options.lipschitz ?? (await spectralNormSquared(a, { gram })).value;
  } catch (error) {
    tf.dispose([at, gram]);
    throw error;
  }
  const step = 1 / lipschitz;
  const [yA, stepMatrix, stepOffset] = tf.tidy(() => {
    const yA = tf.matMul(y, a) as tf.Tensor2D; // [B, K]
    // z − (1/L)(z G − Y A) = z (I − G/L) + (1/L) Y A
    const stepMatrix = tf.sub(tf.eye(gram.shape[0]), tf.mul(gram, step)) as tf.Tensor2D; // [K, K]
    const stepOffset = tf.mul(yA, step) as tf.Tensor2D; // [B, K]
    return [yA, stepMatrix, stepOffset] as const;
  });
  return {
    tau,
    lipschitz,
    start: () => yA.clone(),
    gradF: (z) => tf.tidy(() => tf.sub(tf.matMul(z, gram), yA)), // [B, K]
    gradientStep: (z, s) =>
      s === step
        ? tf.tidy(() => tf.add(tf.matMul(z, stepMatrix), stepOffset)) // [B, K]
        : tf.tidy(() => tf.sub(z, tf.mul(tf.sub(tf.matMul(z, gram), yA), s))),
    proxG: (v, step) => softThreshold(v, tau * step),
    proxGHost: (v, out, step) => softThresholdInto(v, tau * step, out),
    async terms(x): Promise<ObjectiveTerms> {
      const parts = tf.tidy(() => {
        const residual = tf.sub(y, tf.matMul(x, at)); // [B, D]
        return tf.stack([tf.mul(tf.sum(tf.square(residual)), 0.5), tf.sum(tf.abs(x))]); // [2]
      });
      try {
        const [dataFit, l1] = await readFloats(parts);
        return { objective: dataFit + tau * l1, dataFit, l1 };
      } finally {
        parts.dispose();
      }
    },
    dispose() {
      at.dispose();
      gram.dispose();
      yA.dispose();
      stepMatrix.dispose();
      stepOffset.dispose();
    },
  };
}

/** Options of {@link solveLasso}. */
export interface SolveLassoOptions extends FistaOptions, LassoOptions {
  /** l1 weight τ (20 in the paper, times the λ warm-up during training). */
  tau: number;
}

/**
 * Solve the batched lasso with FISTA: min_b ½‖y − A b‖² + τ‖b‖₁ for every row y of Y (protocol §1.8).
 *
 * @param y signals Y [B, D]
 * @param a dictionary A [D, K]
 * @returns codes [B, K] (owned by the caller) and the iteration statistics
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { solveLasso } from "./lasso.ts";
 * await tf.ready();
 * const { codes, itstats } = await solveLasso(tf.tensor2d([[3, -0.5]]), tf.eye(2) as tf.Tensor2D, { tau: 1 });
 * if (codes.arraySync()[0].join() !== "2,0" || itstats.iterations !== 2) throw new Error("wrong solve");
 * codes.dispose();
 * ```
 */
export async function solveLasso(
  y: tf.Tensor2D,
  a: tf.Tensor2D,
  options: SolveLassoOptions,
): Promise<{ codes: tf.Tensor2D; itstats: FistaStats }> {
  const problem = await lasso(y, a, options.tau, options);
  try {
    const { x, itstats } = await fista(problem, options);
    return { codes: x, itstats };
  } finally {
    problem.dispose();
  }
}
