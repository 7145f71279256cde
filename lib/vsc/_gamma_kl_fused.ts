/**
 * The learned threshold's Gamma KL of `latent_kl.ts`, KL(Gamma(α, β) ‖ Gamma(α₀, β₀)) with α = clip(e^{h_α}),
 * β = clip(e^{h_β}) (protocol §2.4), as one custom op evaluated on the host: the value and its closed-form
 * partial derivatives in one float64 pass per element,
 *
 *   KL     = α₀ ln(β/β₀) + ln Γ(α₀) − ln Γ(α) + (α − α₀) ψ(α) + (β₀ − β) α/β
 *   ∂KL/∂α = (α − α₀) ψ′(α) + (β₀ − β)/β          ∂KL/∂β = α₀/β − α β₀/β²
 *
 * times ∂α/∂h_α = α inside the clip range (0 outside, as tfjs's clipByValue gradient), and the same for β.
 *
 * Why: the graph form (`kl.ts` with the float32 series of `lgamma`/`digamma`, differentiated by autodiff) is
 * ~500 kernels per step, a third of a thresholded-Gamma training step; this is one pass each way. Values and
 * gradients equal the graph form up to its float32 series error (tested in `latent_test.ts`).
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { hostCompute } from "../tensor/host.ts";
import type { CustomGradientFunc } from "../tensor/ops.ts";
import { digamma64, lgamma64, trigamma64 } from "./standard_gamma.ts";
import { clipGammaParam, gammaParamInRange } from "./latent_spec.ts";

/**
 * KL [B, K] of Gamma(clip(e^{h_α}), clip(e^{h_β})) against Gamma(shape0, rate0), elementwise over the heads
 * logAlpha, logBeta [B, K]; differentiable in both heads.
 */
export function gammaKlFused(
  logAlpha: tf.Tensor2D,
  logBeta: tf.Tensor2D,
  shape0: number,
  rate0: number,
): tf.Tensor2D {
  const shape = logAlpha.shape;
  const constant = lgamma64(shape0);
  const op = tf.customGrad(
    ((hA: tf.Tensor, hB: tf.Tensor, save: (tensors: tf.Tensor[]) => void) => {
      // Outputs: the KL, then ∂KL/∂h_α and ∂KL/∂h_β per element (kept for the backward pass).
      const [kl, dA, dB] = hostCompute([hA, hB], [shape, shape, shape], ([ha, hb], [out, da, db]) => {
        for (let i = 0; i < ha.length; i++) {
          const expA = Math.fround(Math.exp(ha[i])), expB = Math.fround(Math.exp(hb[i]));
          const a = clipGammaParam(expA), inA = gammaParamInRange(expA);
          const b = clipGammaParam(expB), inB = gammaParamInRange(expB);
          out[i] = shape0 * Math.log(b / rate0) + constant - lgamma64(a) + (a - shape0) * digamma64(a) +
            (rate0 - b) * a / b;
          da[i] = inA * a * ((a - shape0) * trigamma64(a) + (rate0 - b) / b);
          db[i] = inB * b * (shape0 / b - a * rate0 / (b * b));
        }
      });
      save([dA, dB]);
      return {
        value: kl,
        gradFunc: (dy: tf.Tensor, [gA, gB]: tf.Tensor[]) => [tf.mul(dy, gA), tf.mul(dy, gB)],
      };
    }) as CustomGradientFunc,
  );
  return op(logAlpha, logBeta) as tf.Tensor2D;
}
