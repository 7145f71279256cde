/**
 * Sample selection and the authors' training objective (Fallah & Rozell 2022 §3.3, eqs. 7 and 9;
 * spec 2.7): L_bj = recon_bj + β·kl_b and loss = mean_b Σ_j w_bj L_bj, with weights that carry no gradient.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { stopGradient } from "../tensor/ops.ts";

/**
 * How the J samples of a datum are weighted: "max" = max-ELBO (eq. 9, one-hot at argmin_j L_bj),
 * "avg" = the J-sample average (eq. 7, 1/J), "iwae" = the code's self-normalised softmax_j(−L_bj)
 * (spec 2.10; a weighted average of losses, not the IWAE bound).
 */
export type SelectionMethod = "max" | "avg" | "iwae";

/**
 * Selection weights w [B, J] for a loss [B, J]; no gradient flows through them.
 *
 * @example
 * ```ts
 * import { useBackend } from "../tensor/backend.ts";
 * await useBackend("cpu");
 * import { tf } from "../tensor/tf.ts";
 * import { selectionWeights } from "./objective.ts";
 * const w = selectionWeights(tf.tensor2d([[3, 1, 2]]), "max").dataSync();
 * if (w.join() !== "0,1,0") throw new Error("max picks the smallest loss");
 * ```
 */
export function selectionWeights(loss: tf.Tensor2D, method: SelectionMethod): tf.Tensor2D {
  if (loss.rank !== 2) {
    throw new RangeError(
      `Cannot compute selectionWeights: argument "loss" must have shape [B, J], received [${loss.shape}]`,
    );
  }
  return tf.tidy(() => {
    const J = loss.shape[1];
    const l = stopGradient(loss);
    switch (method) {
      case "max":
        // tf.oneHot refuses depth 1, and with one sample there is nothing to choose.
        if (J === 1) return tf.onesLike(loss) as tf.Tensor2D;
        return tf.cast(tf.oneHot(tf.argMin(l, 1), J), "float32") as tf.Tensor2D; // [B, J]
      case "avg":
        return tf.fill(loss.shape, 1 / J) as tf.Tensor2D;
      case "iwae":
        return tf.softmax(tf.neg(l), 1) as tf.Tensor2D;
      default:
        throw new RangeError(
          `Cannot compute selectionWeights: unknown method "${method}", expected "max", "avg" or "iwae"`,
        );
    }
  });
}

/**
 * The training objective of spec 2.7: perSample L_bj = recon_bj + β·kl_b, weights w = selectionWeights(L),
 * loss = (1/B) Σ_b Σ_j w_bj L_bj. `recon` is the per-sample reconstruction term [B, J] (the authors use the
 * pixel-mean squared error) and `kl` the raw per-datum KL [B] from `sampleLatent`.
 *
 * @example
 * ```ts
 * import { useBackend } from "../tensor/backend.ts";
 * await useBackend("cpu");
 * import { tf } from "../tensor/tf.ts";
 * import { vscObjective } from "./objective.ts";
 * const { loss } = vscObjective(tf.tensor2d([[1, 3], [4, 2]]), tf.tensor1d([10, 20]), 0.1, "max");
 * // best samples 1 and 2, plus 0.1·10 and 0.1·20: mean(2, 4) = 3
 * if (Math.abs(loss.dataSync()[0] - 3) > 1e-6) throw new Error("max-ELBO objective");
 * ```
 */
export function vscObjective(
  recon: tf.Tensor2D,
  kl: tf.Tensor1D,
  beta: number,
  method: SelectionMethod,
): { loss: tf.Scalar; weights: tf.Tensor2D; perSample: tf.Tensor2D } {
  if (recon.rank !== 2 || kl.rank !== 1 || kl.shape[0] !== recon.shape[0]) {
    throw new RangeError(
      `Cannot compute vscObjective: "recon" must be [B, J] and "kl" [B], received [${recon.shape}] and [${kl.shape}]`,
    );
  }
  return tf.tidy(() => {
    const perSample = tf.add(recon, tf.mul(tf.expandDims(kl, 1), beta)) as tf.Tensor2D; // [B, J]
    const weights = selectionWeights(perSample, method); // [B, J]
    const loss = tf.mean(tf.sum(tf.mul(weights, perSample), 1)) as tf.Scalar; // [B] → []
    return { loss, weights, perSample };
  });
}
