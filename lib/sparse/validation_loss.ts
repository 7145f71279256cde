/**
 * The Table 1 "Validation Loss": the sparse-coding objective (10) of Fallah & Rozell evaluated on held-out data.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { readFloats } from "../tensor/readback.ts";

/** Options of {@link validationLoss}. */
export interface ValidationLossOptions {
  /** l1 weight λ. @default 20 */
  lambda?: number;
  /** Frobenius weight γ_eval (the final plotting notebook uses 1e-3; training uses 1e-4). @default 1e-3 */
  gammaEval?: number;
}

/** The terms of objective (10); `total = recon + lambda·l1 + frobenius`. */
export interface ValidationLossParts {
  /** (1/N) Σ_i ½‖x_i − A b_i‖². */
  recon: number;
  /** (1/N) Σ_i ‖b_i‖₁ (unweighted). */
  l1: number;
  /** γ_eval‖A‖²_F (already weighted). */
  frobenius: number;
  total: number;
  /** Number of data N. */
  n: number;
}

/**
 * Objective (10) of the paper as the authors evaluate it (protocol §2.8):
 *
 *   (1/N) Σ_i [ ½‖x_i − A b_i‖²₂ + λ‖b_i‖₁ ] + γ_eval‖A‖²_F
 *
 * with x_i a patch (rows of `x` [B, D]), b_i its code (rows of `codes` [B, K]) and A [D, K] the dictionary. The
 * batches are summed on the backend and divided by the total N once, so 160 batches of 100 give the same value as
 * one batch of 16,000.
 *
 * @param a dictionary A [D, K]
 * @param batches one or more `{x [B, D], codes [B, K]}` pairs
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { validationLoss } from "./validation_loss.ts";
 * await tf.ready();
 * // A = I, x = [1, 0], b = [0, 0]: recon ½, l1 0, ‖A‖²_F = 2
 * const parts = await validationLoss(tf.eye(2) as tf.Tensor2D, { x: tf.tensor2d([[1, 0]]), codes: tf.zeros([1, 2]) });
 * if (parts.recon !== 0.5 || parts.l1 !== 0 || Math.abs(parts.total - 0.502) > 1e-9) throw new Error("wrong");
 * ```
 */
export async function validationLoss(
  a: tf.Tensor2D,
  batches: { x: tf.Tensor2D; codes: tf.Tensor2D } | Iterable<{ x: tf.Tensor2D; codes: tf.Tensor2D }>,
  options: ValidationLossOptions = {},
): Promise<ValidationLossParts> {
  const { lambda = 20, gammaEval = 1e-3 } = options;
  const list = Symbol.iterator in batches ? [...batches] : [batches];
  const at = tf.transpose(a); // [K, D]
  let sumRecon = 0, sumL1 = 0, n = 0;
  try {
    for (const { x, codes } of list) {
      if (x.shape[0] !== codes.shape[0] || x.shape[1] !== a.shape[0] || codes.shape[1] !== a.shape[1]) {
        throw new RangeError(
          `Cannot compute validationLoss: x [${x.shape}] and codes [${codes.shape}] do not fit A [${a.shape}]`,
        );
      }
      const sums = tf.tidy(() => {
        const residual = tf.sub(x, tf.matMul(codes, at)); // [B, D]
        return tf.stack([tf.mul(tf.sum(tf.square(residual)), 0.5), tf.sum(tf.abs(codes))]); // [2]
      });
      const [r, l] = await readFloats(sums);
      sums.dispose();
      sumRecon += r;
      sumL1 += l;
      n += x.shape[0];
    }
  } finally {
    at.dispose();
  }
  if (n === 0) throw new RangeError("Cannot compute validationLoss: there are no data");
  const frobSq = tf.tidy(() => tf.sum(tf.square(a)));
  const frobenius = gammaEval * (await readFloats(frobSq))[0];
  frobSq.dispose();
  const recon = sumRecon / n, l1 = sumL1 / n;
  return { recon, l1, frobenius, total: recon + lambda * l1 + frobenius, n };
}
