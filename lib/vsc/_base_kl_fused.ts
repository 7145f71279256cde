/**
 * The base KL of `latent_kl.ts` — Gaussian, Laplace or spike-and-slab posterior against its prior — as one custom
 * op evaluated on the host: the value and its closed-form partial derivatives in one float64 pass per element.
 * With s = logscale and the prior's spread v₀ (variance) or b₀ (scale):
 *
 *   Gaussian (s = ln σ²)   KL_N = ½(ln v₀ − s + (eˢ + μ²)/v₀ − 1)
 *                          ∂μ = μ/v₀                     ∂s = ½(eˢ/v₀ − 1)
 *   Laplace  (s = ln b)    KL_L = ln b₀ − s + |μ|/b₀ + (b/b₀)e^{−|μ|/b} − 1
 *                          ∂μ = sgn(μ)(1 − e^{−|μ|/b})/b₀  ∂s = (b/b₀)e^{−|μ|/b}(1 + |μ|/b) − 1
 *   spike-and-slab          γ = clip(e^{min(h, 0)}, ε, 1 − ε), prior γ₀ = α₀ with a Gaussian slab:
 *                          KL = γ·KL_N + γ ln(γ/γ₀) + (1 − γ) ln((1 − γ)/(1 − γ₀))
 *                          ∂μ = γ·∂μ KL_N   ∂s = γ·∂s KL_N   ∂h = γ·(KL_N + ln(γ/γ₀) − ln((1 − γ)/(1 − γ₀)))
 *                          where h ≤ 0 and e^h lies inside the clip (0 elsewhere, as tfjs's min and clip pass it).
 *
 * sgn(0) = −1, as the gradient of tfjs's `abs` (step with α = −1) gives it.
 *
 * Why: the graph form (`kl.ts`, differentiated by autodiff) is ~30 kernels forward and ~35 backward per train
 * step; this is one pass each way. Values and gradients equal the registry's up to float32 rounding (tested in
 * `latent_test.ts`).
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { hostCompute } from "../tensor/host.ts";
import type { CustomGradientFunc } from "../tensor/ops.ts";
import { type LatentParams, type LatentSpec, SPIKE_EPS } from "./latent_spec.ts";

/** The clip bounds of γ as the float32 graph holds them. */
const EPS32 = Math.fround(SPIKE_EPS), ONE_MINUS_EPS32 = Math.fround(1 - SPIKE_EPS);

/** KL_bk [B, K] of the spec's base posterior against its prior; differentiable in μ, logscale (and the spike head). */
export function baseKlFused(p: LatentParams, spec: LatentSpec): tf.Tensor2D {
  const shape = p.mu.shape;
  const spikeSlab = spec.prior === "spike_slab";
  const laplace = spec.prior === "laplace";
  const spread = spec.priorSpread, logSpread = Math.log(spread);
  const g0 = spec.spikePrior;
  const inputs = spikeSlab ? [p.mu, p.logscale, p.spike!] : [p.mu, p.logscale];
  const op = tf.customGrad(
    ((...args: unknown[]) => {
      const ins = args.slice(0, inputs.length) as tf.Tensor[];
      const save = args[inputs.length] as (tensors: tf.Tensor[]) => void;
      // Outputs: the KL, then its partial derivatives per element (kept for the backward pass).
      const outShapes = Array.from({ length: 1 + ins.length }, () => shape);
      const [kl, ...partials] = hostCompute(ins, outShapes, ([mu, s, h], [out, dMu, dS, dH]) => {
        for (let i = 0; i < mu.length; i++) {
          const m = mu[i];
          if (laplace) {
            const b = Math.exp(s[i]), dist = Math.abs(m), decay = Math.exp(-dist / b);
            out[i] = logSpread - s[i] + dist / spread + (b / spread) * decay - 1;
            dMu[i] = (m > 0 ? 1 : -1) * (1 - decay) / spread;
            dS[i] = (b / spread) * decay * (1 + dist / b) - 1;
            continue;
          }
          const es = Math.exp(s[i]);
          const klN = 0.5 * (logSpread - s[i] + (es + m * m) / spread - 1);
          if (!spikeSlab) {
            out[i] = klN;
            dMu[i] = m / spread;
            dS[i] = 0.5 * (es / spread - 1);
            continue;
          }
          const raw = Math.fround(Math.exp(Math.min(h[i], 0)));
          const g = Math.min(Math.max(raw, EPS32), ONE_MINUS_EPS32);
          const logOn = Math.log(g / g0), logOff = Math.log((1 - g) / (1 - g0));
          out[i] = g * klN + g * logOn + (1 - g) * logOff;
          dMu[i] = g * m / spread;
          dS[i] = g * 0.5 * (es / spread - 1);
          const passes = h[i] <= 0 && raw >= EPS32 && raw <= ONE_MINUS_EPS32;
          dH[i] = passes ? g * (klN + logOn - logOff) : 0;
        }
      });
      save(partials);
      return {
        value: kl,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => saved.map((d) => tf.mul(dy, d)),
      };
    }) as CustomGradientFunc,
  );
  return op(...inputs) as tf.Tensor2D;
}
