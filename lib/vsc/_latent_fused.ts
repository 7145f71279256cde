/**
 * `sampleLatent` fused into one custom op evaluated on the host: the forward value of every element and
 * its partial derivatives with respect to the heads are written out per element (the Jacobian of protocol
 * §2.5 / 2.6 in closed form), and the backward pass sums dy·∂z/∂head over the J samples of each datum.
 *
 * One host pass over B·J·K elements each way instead of ~20 device passes; on wasm it works on the heap
 * directly (`hostCompute`), with no copies. The Gamma implicit gradient is only evaluated where it is used
 * (active entries with dy ≠ 0). Values and gradients equal `_latent_graph.ts` up to float32 rounding (tested).
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { hostCompute } from "../tensor/host.ts";
import type { Rng } from "../tensor/rng.ts";
import type { CustomGradientFunc } from "../tensor/ops.ts";
import { sampleStandardGamma, standardGammaGradAlpha } from "./standard_gamma.ts";
import { drawLatentNoise } from "./_latent_noise.ts";
import { latentKl } from "./latent_kl.ts";
import {
  clipGammaParam,
  gammaParamInRange,
  headNames,
  type LatentParams,
  type LatentSample,
  type LatentSpec,
  type Schedule,
} from "./latent_spec.ts";

/**
 * Selects without branches in the per-element loops, whose conditions (a sign, a threshold crossed) fall at random:
 * a mispredicted branch per element cost up to a third of a J = 20 train step (measured: the thresholded Gaussian
 * 27.3 → 18.7 ms). `SIGNS[…]` is Math.sign, NaN included, except that −0 gives +0 (where n = −0 the sample is
 * inactive, and the one product that would carry the sign, ∂z/∂λ = −active·sign(n)·sign(λ), is a zero the backward
 * pass skips); `pick[Number(c)]` with `pick[1]` just set is `c ? pick[1] : 0`, the value untouched either way.
 */
const SIGNS = new Float64Array([-1, 0, 1, NaN]);
const pick = new Float64Array(2);
/** round(sigmoid(a)) as tf.round of a float32 sigmoid gives it: 1 iff fround(r) > ½ (half to even: ½ → 0). */
const roundedSigmoid = (
  a: number,
) => (a > 1e-6 ? 1 : a > 0 && Math.fround(1 / (1 + Math.exp(-a))) > 0.5 ? 1 : 0);
/** The fused implementation of `sampleLatent` (arguments validated by the caller). */
export function sampleLatentFused(
  p: LatentParams,
  spec: LatentSpec,
  J: number,
  rng: Rng,
  sched: Schedule,
): LatentSample {
  const [B, K] = p.mu.shape;
  const N = B * J * K;
  const noise = drawLatentNoise(spec, N, rng);
  const names = headNames(spec);
  const learned = spec.threshold === "learned";
  const spikeSlab = spec.prior === "spike_slab";
  // Per-element partial derivatives of z, kept (saved) for the backward pass:
  // ∂z/∂μ, ∂z/∂logscale, then the slab and the logit a (spike-and-slab) or ∂z/∂λ and x ~ Gamma(α, 1) with
  // λ = x/β (learned λ).
  const derivatives = 2 + (spikeSlab || learned ? 2 : 0);
  const tau = sched.temperature;
  let lambdaMean: number | undefined;
  // α = clip(e^{h_α}), β = clip(e^{h_β}) per head entry and where the clip passes the gradient (learned λ):
  // computed in the forward pass, read again in the backward.
  let gammaParams: { values: Float64Array; inRange: Float64Array }[] | undefined;

  const op = tf.customGrad(
    ((...args: unknown[]) => {
      const inputs = args.slice(0, names.length) as tf.Tensor[];
      const save = args[names.length] as (tensors: tf.Tensor[]) => void;
      const outShapes = Array.from({ length: 1 + derivatives }, () => [B * J, K]);
      const [z, ...saved] = hostCompute(inputs, outShapes, (heads, [zv, dMu, dLogscale, d3, d4]) => {
        const [mu, logscale] = heads;
        const e = noise.base;
        // Per-datum quantities are computed once per head entry, not once per sample (J× fewer exp).
        const perHead = (f: (h: number) => number) => {
          const out = new Float64Array(B * K);
          for (let h = 0; h < B * K; h++) out[h] = f(h);
          return out;
        };
        if (spikeSlab) {
          // slab = (w·σ + √(1−w))·ε + w·μ;  z = round(r)·slab, r = sigmoid(a), a = (ℓ + min(h, 0))/τ  (protocol §2.6).
          // round(r) needs only the sign of a; r itself (an exp) is computed in the backward pass, where the
          // gradient is non-zero (one sample in J under max-ELBO).
          const spike = heads[2], w = sched.warmup, rootOneMinusW = Math.sqrt(1 - w);
          const logistic = noise.logistic!, slabs = d3, logits = d4;
          const sigmas = perHead((h) => Math.exp(0.5 * logscale[h]));
          for (let b = 0; b < B; b++) {
            for (let j = 0; j < J; j++) {
              for (let k = 0; k < K; k++) {
                const h = b * K + k, i = (b * J + j) * K + k;
                const sigma = sigmas[h];
                const slab = (w * sigma + rootOneMinusW) * e[i] + w * mu[h];
                const a = (logistic[i] + Math.min(spike[h], 0)) / tau;
                // roundedSigmoid(a) is 0 for a ≤ 0 and 1 above 1e-6: only |a| ≤ 2e-6 (rare) takes the branch
                let selected = Number(a > 1e-6);
                if (Math.abs(a) <= 2e-6) selected = roundedSigmoid(a);
                zv[i] = selected * slab;
                dMu[i] = selected * w;
                dLogscale[i] = selected * w * 0.5 * sigma * e[i];
                pick[1] = slab;
                slabs[i] = pick[Number(spike[h] <= 0)]; // ∂z/∂h_spike = slab·r(1 − r)/τ where min(h, 0) = h
                logits[i] = a;
              }
            }
          }
          return;
        }
        // n = σε (Gaussian, logscale = ln σ²) or n = w·b·e (Laplace, logscale = ln b)  (protocol §2.2, 2.3)
        const gaussian = spec.prior === "gaussian";
        const w = gaussian ? 1 : sched.warmup;
        const scaleExponent = gaussian ? 0.5 : 1; // ∂ ln(scale)/∂ logscale
        const straight = spec.estimator === "straight";
        const threshold = spec.threshold !== "none";
        const dLambda = d3, gammaX = d4;
        const scales = perHead((h) => w * Math.exp(scaleExponent * logscale[h]));
        if (learned) {
          gammaParams = [2, 3].map((head) => {
            const exps = perHead((h) => Math.fround(Math.exp(heads[head][h])));
            return { values: exps.map(clipGammaParam), inRange: exps.map(gammaParamInRange) };
          });
        }
        const alphas = gammaParams?.[0].values ?? scales, betas = gammaParams?.[1].values ?? scales;
        let lambdaSum = 0;
        for (let b = 0; b < B; b++) {
          for (let j = 0; j < J; j++) {
            for (let k = 0; k < K; k++) {
              const h = b * K + k, i = (b * J + j) * K + k;
              const n = scales[h] * e[i];
              if (!threshold) {
                zv[i] = mu[h] + n;
                dMu[i] = 1;
                dLogscale[i] = scaleExponent * n;
                continue;
              }
              let lambda = spec.lambda;
              if (learned) {
                const x = Math.fround(sampleStandardGamma(alphas[h], rng));
                gammaX[i] = x;
                lambda = x / betas[h];
                lambdaSum += Math.abs(lambda);
              }
              // T_λ(s) = 0 if |n| ≤ |λ|, else μ + sign(n)(|n| − |λ|)  (eq. 2, protocol §2.1)
              const active = Number(Math.abs(n) > Math.abs(lambda));
              const signN = SIGNS[Number(n > 0) - Number(n < 0) + 1 + 2 * Number(n !== n)];
              pick[1] = mu[h] + signN * (Math.abs(n) - Math.abs(lambda));
              zv[i] = pick[active];
              // straight-through: ∂μ = 1 + active, ∂logscale = ∂s; subgradient: both only where active  (protocol §2.5)
              dMu[i] = straight ? 1 + active : active;
              dLogscale[i] = (straight ? 1 : active) * scaleExponent * n;
              if (learned) dLambda[i] = -active * signN * Math.sign(lambda);
            }
          }
        }
        if (learned) lambdaMean = lambdaSum / N;
      });
      save(saved);
      return {
        value: z,
        gradFunc: (dy: tf.Tensor, kept: tf.Tensor[]) =>
          hostCompute(
            [dy, ...kept],
            names.map(() => [B, K]),
            ([g, dMu, dLogscale, d3, d4], grads) => {
              const [gMu, gLogscale] = grads;
              for (let b = 0; b < B; b++) {
                for (let j = 0; j < J; j++) {
                  for (let k = 0; k < K; k++) {
                    const h = b * K + k, i = (b * J + j) * K + k;
                    const gi = g[i];
                    if (gi === 0) continue;
                    gMu[h] += gi * dMu[i];
                    gLogscale[h] += gi * dLogscale[i];
                    if (spikeSlab) {
                      if (d3[i] === 0) continue;
                      const r = 1 / (1 + Math.exp(-d4[i]));
                      grads[2][h] += gi * d3[i] * r * (1 - r) / tau;
                    } else if (learned && d3[i] !== 0) {
                      // λ = x/β with α = clip(e^{h_α}), β = clip(e^{h_β}):  ∂λ/∂h_α = (∂x/∂α)·α/β,  ∂λ/∂h_β = −λ
                      const [a, b] = gammaParams!, alpha = a.values[h], beta = b.values[h];
                      const dzdx = gi * d3[i] / beta;
                      grads[2][h] += a.inRange[h] * dzdx * standardGammaGradAlpha(d4[i], alpha) *
                        alpha;
                      grads[3][h] -= b.inRange[h] * dzdx * d4[i];
                    }
                  }
                }
              }
            },
          ),
      };
    }) as CustomGradientFunc,
  );

  const out = tf.tidy(() => {
    const z = op(...names.map((n) => p[n]!)) as tf.Tensor2D; // [B*J, K]
    const klPerLatent = latentKl(p, spec); // [B, K]
    return { z, klPerLatent, kl: tf.sum(klPerLatent, 1) as tf.Tensor1D }; // kl: [B]
  });
  return lambdaMean === undefined ? out : { ...out, lambdaMean };
}
