/**
 * `sampleLatent` written with tfjs ops, as the authors' code builds it (protocol §2.1–2.6). Runs on every
 * backend; `_latent_fused.ts` is the host-fused twin used on cpu/wasm, and the two are tested against each
 * other.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { stopGradient } from "../tensor/ops.ts";
import type { Rng } from "../tensor/rng.ts";
import { Gamma } from "./priors/gamma.ts";
import { straightThroughBernoulli } from "./priors/spike_slab.ts";
import { shiftedSoftThreshold } from "./priors/thresholded.ts";
import { drawLatentNoise } from "./_latent_noise.ts";
import { gammaPosteriorParams, latentKl } from "./latent_kl.ts";
import type { LatentParams, LatentSample, LatentSpec, Schedule } from "./latent_spec.ts";

/** The graph implementation of `sampleLatent` (arguments validated by the caller). */
export function sampleLatentGraph(
  p: LatentParams,
  spec: LatentSpec,
  J: number,
  rng: Rng,
  sched: Schedule,
): LatentSample {
  const [B, K] = p.mu.shape;
  const noise = drawLatentNoise(spec, B * J * K, rng);
  let lambdaMean: number | undefined;
  const out = tf.tidy(() => {
    const repeat = (t: tf.Tensor) => tf.reshape(tf.tile(tf.expandDims(t, 1), [1, J, 1]), [B * J, K]); // [B, K] → [B*J, K]
    const eps = tf.tensor2d(noise.base, [B * J, K]); // [B*J, K]
    const mu = repeat(p.mu); // [B*J, K]
    let z: tf.Tensor;
    if (spec.prior === "spike_slab") {
      // slab = (w·σ + √(1−w))·ε + w·μ;  selection = round(r), r = sigmoid((ℓ + ln γ)/τ)  (protocol §2.6)
      const w = sched.warmup;
      const sigma = repeat(tf.exp(tf.mul(p.logscale, 0.5)));
      const slab = tf.add(tf.mul(tf.add(tf.mul(sigma, w), Math.sqrt(1 - w)), eps), tf.mul(mu, w));
      const logGamma = repeat(tf.minimum(p.spike!, 0));
      const logistic = tf.tensor2d(noise.logistic!, [B * J, K]);
      z = tf.mul(straightThroughBernoulli(logGamma, logistic, sched.temperature), slab);
    } else {
      // n = σε (Gaussian, logscale = ln σ²) or w·b·e (Laplace, logscale = ln b)  (protocol §2.2, 2.3)
      const gaussian = spec.prior === "gaussian";
      const w = gaussian ? 1 : sched.warmup;
      const scale = repeat(tf.exp(gaussian ? tf.mul(p.logscale, 0.5) : p.logscale)); // [B*J, K]
      const n = tf.mul(tf.mul(scale, w), eps);
      const s = tf.add(mu, n);
      if (spec.threshold === "none") {
        z = s;
      } else {
        let lambda: tf.Tensor | number = spec.lambda;
        if (spec.threshold === "learned") {
          const { alpha, beta } = gammaPosteriorParams(p);
          lambda = new Gamma(repeat(alpha), repeat(beta)).rsample(rng); // [B*J, K]
          lambdaMean = tf.mean(tf.abs(lambda)).dataSync()[0];
        }
        if (spec.estimator === "subgradient") {
          z = shiftedSoftThreshold(mu, n, lambda);
        } else {
          // z = T̃ + (s − sg(s)): forward T_λ(s) exactly, gradient of s plus that of T̃  (protocol §2.5)
          const nDetached = tf.mul(tf.mul(stopGradient(scale), w), eps);
          z = tf.add(shiftedSoftThreshold(mu, nDetached, lambda), tf.sub(s, stopGradient(s)));
        }
      }
    }
    const klPerLatent = latentKl(p, spec); // [B, K]
    return { z: z as tf.Tensor2D, klPerLatent, kl: tf.sum(klPerLatent, 1) as tf.Tensor1D }; // kl: [B]
  });
  return lambdaMean === undefined ? out : { ...out, lambdaMean };
}
