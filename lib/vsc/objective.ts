/**
 * Sample selection and the authors' training objective (Fallah & Rozell 2022 §3.3, eqs. 7 and 9;
 * protocol §2.7): L_bj = recon_bj + β·kl_b and loss = mean_b Σ_j w_bj L_bj, with weights that carry no gradient.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { type CustomGradientFunc, stopGradient } from "../tensor/ops.ts";
import { hostCompute, onHostBackend } from "../tensor/host.ts";

/**
 * How the J samples of a datum are weighted: "max" = max-ELBO (eq. 9, one-hot at argmin_j L_bj),
 * "avg" = the J-sample average (eq. 7, 1/J), "iwae" = the code's self-normalised softmax_j(−L_bj)
 * (protocol §2.10; a weighted average of losses, not the IWAE bound).
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
 * The training objective of protocol §2.7: perSample L_bj = recon_bj + β·kl_b, weights w = selectionWeights(L),
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

/**
 * The reconstruction term recon_bj = (1/D)·Σ_d (x̂_{bj,d} − x_{b,d})² of J reconstructions per datum:
 * x̂ [B·J, D] (row b·J + j), x [B, D] → [B, J].
 *
 * On cpu/wasm one host pass each way with the gradient in closed form (∂/∂x̂ = (2/D)·dy·(x̂ − x),
 * ∂/∂x = −Σ_j ∂/∂x̂): the op graph would repeat x J times (`tile`, ~30 ms for [2000, 256] on wasm) and reduce
 * through broadcasts. Other backends get the same formula as broadcasting ops.
 *
 * @example
 * ```ts
 * import { useBackend } from "../tensor/backend.ts";
 * await useBackend("cpu");
 * import { tf } from "../tensor/tf.ts";
 * import { perSampleSquaredError } from "./objective.ts";
 * const x = tf.tensor2d([[0, 0]]), xhat = tf.tensor2d([[1, 1], [2, 0]]); // B = 1, J = 2, D = 2
 * if (perSampleSquaredError(xhat, x).dataSync().join() !== "1,2") throw new Error("(1+1)/2, (4+0)/2");
 * ```
 */
export function perSampleSquaredError(xhat: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  const [B, D] = x.shape;
  const J = xhat.shape[0] / B;
  if (!Number.isInteger(J) || J < 1 || xhat.shape[1] !== D) {
    throw new RangeError(
      `Cannot compute perSampleSquaredError: "xhat" must be [B·J, ${D}] for "x" [${x.shape}], received [${xhat.shape}]`,
    );
  }
  if (!onHostBackend()) {
    return tf.tidy(() => {
      const diff = tf.sub(tf.reshape(xhat, [B, J, D]), tf.expandDims(x, 1)); // [B, J, D]
      return tf.mul(tf.sum(tf.mul(diff, diff), 2), 1 / D) as tf.Tensor2D; // [B, J]
    });
  }
  return squaredErrorOp(xhat, x) as tf.Tensor2D;
}

const squaredErrorOp = tf.customGrad(
  ((xhat: tf.Tensor2D, x: tf.Tensor2D, save: (ts: tf.Tensor[]) => void) => {
    const [B, D] = x.shape;
    const J = xhat.shape[0] / B;
    save([xhat, x]);
    const [value] = hostCompute([xhat, x], [[B, J]], ([xh, xv], [out]) => {
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < J; j++) {
          let sum = 0;
          for (let d = 0, r = (b * J + j) * D, c = b * D; d < D; d++) {
            const e = xh[r + d] - xv[c + d];
            sum += e * e;
          }
          out[b * J + j] = sum / D;
        }
      }
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, [xhatSaved, xSaved]: tf.Tensor[]) =>
        hostCompute([dy, xhatSaved, xSaved], [[B * J, D], [B, D]], ([g, xh, xv], [gXhat, gX]) => {
          for (let b = 0; b < B; b++) {
            for (let j = 0; j < J; j++) {
              const scale = (2 / D) * g[b * J + j];
              if (scale === 0) continue; // max-ELBO: only the selected sample carries gradient
              for (let d = 0, r = (b * J + j) * D, c = b * D; d < D; d++) {
                const v = scale * (xh[r + d] - xv[c + d]);
                gXhat[r + d] = v;
                gX[c + d] -= v;
              }
            }
          }
        }),
    };
  }) as CustomGradientFunc,
);
