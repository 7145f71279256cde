/**
 * One gradient step on the linear generator (the dictionary) of the Fallah & Rozell linear experiment.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { matMulT } from "../tensor/kernels.ts";

/** Options of {@link dictionaryStep}. */
export interface DictionaryStepOptions {
  /** Learning rate η (0.5 × 0.99^epoch in the paper, see `dictionaryLearningRate`). */
  lr: number;
  /** Frobenius penalty γ (`fnorm_reg`). @default 1e-4 */
  gamma?: number;
}

/**
 * The dictionary update of protocol §1.2 (plain gradient descent, as the authors' numpy code does):
 *
 *   A ← A + η·[ (1/B) Σ_b Σ_j w_bj (x_b − A z_bj) z_bjᵀ − 2γA ]
 *
 * i.e. a step of size η down the gradient of (1/B) Σ_b Σ_j w_bj ½‖x_b − A z_bj‖² + γ‖A‖²_F. Symbols: A the
 * dictionary [D, K]; x_b the b-th signal (row b of `x`); z_bj its j-th code sample (row b·J + j of `z`, the
 * thresholded forward values, exact zeros included); w_bj the sample-selection weight (one-hot for "max", 1/J
 * for "avg", 1 for FISTA with J = 1).
 *
 * With one-hot weights, passing only the selected codes (J = 1, w = 1) gives the same result with J× fewer flops.
 *
 * @param a the current dictionary A [D, K] (not disposed: the caller owns both the old and the new A)
 * @param batch signals `x` [B, D], codes `z` [B·J, K] and weights `w` [B, J]
 * @returns the new dictionary [D, K]
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { dictionaryStep } from "./dictionary_step.ts";
 * await tf.ready();
 * // one signal x = [1, 0], one code z = [1], A = [[0], [0]]: A ← A + η·(x − A z) zᵀ = [[0.5], [0]]
 * const a = dictionaryStep(tf.zeros([2, 1]), {
 *   x: tf.tensor2d([[1, 0]]), z: tf.tensor2d([[1]]), w: tf.tensor2d([[1]]),
 * }, { lr: 0.5, gamma: 0 });
 * if (a.arraySync().flat().join() !== "0.5,0") throw new Error("wrong step");
 * ```
 */
export function dictionaryStep(
  a: tf.Tensor2D,
  batch: { x: tf.Tensor2D; z: tf.Tensor2D; w: tf.Tensor2D },
  options: DictionaryStepOptions,
): tf.Tensor2D {
  const { lr, gamma = 1e-4 } = options;
  return tf.tidy(() => {
    const t1 = dictionaryGradient(a, batch); // (1/B) Σ w (x − Az) zᵀ  [D, K]
    const t2 = tf.mul(a, 2 * gamma); // 2γA  [D, K]
    return tf.add(a, tf.mul(tf.sub(t1, t2), lr)) as tf.Tensor2D; // [D, K]
  });
}

/**
 * The data term of the dictionary's descent direction, (1/B) Σ_b Σ_j w_bj (x_b − A z_bj) z_bjᵀ [D, K] (symbols
 * as in {@link dictionaryStep}); the gradient-SNR metric samples it (protocol §2.12).
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { dictionaryGradient } from "./dictionary_step.ts";
 * await tf.ready();
 * // x = [1, 0], z = [2], A = [[0], [0]]: (x − A z) zᵀ = [[2], [0]]
 * const g = dictionaryGradient(tf.zeros([2, 1]), { x: tf.tensor2d([[1, 0]]), z: tf.tensor2d([[2]]), w: tf.tensor2d([[1]]) });
 * if (g.arraySync().flat().join() !== "2,0") throw new Error("wrong gradient");
 * ```
 */
export function dictionaryGradient(
  a: tf.Tensor2D,
  batch: { x: tf.Tensor2D; z: tf.Tensor2D; w: tf.Tensor2D },
): tf.Tensor2D {
  const { x, z, w } = batch;
  const [d, k] = a.shape;
  const [b, j] = w.shape;
  if (x.shape[0] !== b || x.shape[1] !== d || z.shape[0] !== b * j || z.shape[1] !== k) {
    throw new RangeError(
      `Cannot take the dictionary gradient: expected x [${b}, ${d}], z [${
        b * j
      }, ${k}] for A [${d}, ${k}] and w [${b}, ${j}], ` +
        `received x [${x.shape}], z [${z.shape}]`,
    );
  }
  return tf.tidy(() => {
    const xhat = tf.reshape(matMulT(z, a, false, true), [b, j, d]); // [B, J, D]
    // Broadcast x over the J samples rather than `tile` it: tile is ~5× slower than the broadcast on wasm.
    const residual = tf.sub(tf.expandDims(x, 1), xhat); // [B, J, D]
    const weighted = tf.reshape(tf.mul(residual, tf.expandDims(w, 2)), [b * j, d]); // [B·J, D]
    return tf.mul(matMulT(weighted as tf.Tensor2D, z, true, false), 1 / b) as tf.Tensor2D; // [D, K]
  });
}
