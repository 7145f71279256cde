/**
 * The spike-and-slab with a Gaussian slab, γ·N(μ, σ²) + (1 − γ)·δ₀, and its relaxed-Bernoulli
 * straight-through sampler (Tonolini et al. 2020; Jang et al. 2017; protocol §2.6).
 *
 * This file is the distribution as written in the literature: the selection logit is logit γ, so that
 * P(z ≠ 0) = γ. The authors' latent layer (`../latent.ts`) reproduces their code's quirk of using ln γ as
 * the logit instead (P(selected) = γ/(1 + γ)); it shares only the KL with this class.
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import { stopGradient } from "../../tensor/ops.ts";
import type { Rng } from "../../tensor/rng.ts";
import {
  _asTensor,
  _batchShape,
  _size,
  type Constraint,
  type Distribution,
  type Param,
} from "./_distribution.ts";
import { Gaussian } from "./gaussian.ts";

/**
 * `n` logistic draws ℓ = ln η − ln(1 − η), η ~ U(0, 1) with 32 bits (never 0 or 1, so ℓ stays finite),
 * computed in float64 on the host (protocol §2.6).
 *
 * @example
 * ```ts
 * import { Rng } from "../../tensor/rng.ts";
 * import { logisticNoise } from "./spike_slab.ts";
 * const l = logisticNoise(new Rng(0), 20000);
 * const frac = l.filter((v) => v > 0).length / l.length; // symmetric about 0
 * if (Math.abs(frac - 0.5) > 0.02) throw new Error("logistic noise should be symmetric");
 * ```
 */
export function logisticNoise(rng: Rng, n: number, out: Float32Array = new Float32Array(n)): Float32Array {
  for (let i = 0; i < n; i++) {
    const eta = rng.next32();
    out[i] = Math.log(eta / (1 - eta)); // one log: 1 − η is exact for η ≥ ½ (Sterbenz)
  }
  return out;
}

/**
 * The relaxed Bernoulli with straight-through rounding: r = sigmoid((ℓ + logit)/τ), forward value
 * round(r) ∈ {0, 1} and gradient ∂r (protocol §2.6). Written round(r) + (r − sg(r)) so the forward value is exact.
 *
 * @example
 * ```ts
 * import { useBackend } from "../../tensor/backend.ts";
 * await useBackend("cpu");
 * import { tf } from "../../tensor/tf.ts";
 * import { straightThroughBernoulli } from "./spike_slab.ts";
 * const s = straightThroughBernoulli(tf.tensor1d([-20, 20]), tf.zeros([2]), 0.5).dataSync();
 * if (s.join() !== "0,1") throw new Error("hard selection");
 * ```
 */
export function straightThroughBernoulli(
  logit: tf.Tensor,
  logistic: tf.Tensor,
  temperature: number,
): tf.Tensor {
  return tf.tidy(() => {
    const r = tf.sigmoid(tf.div(tf.add(logistic, logit), temperature));
    return tf.add(tf.round(stopGradient(r)), tf.sub(r, stopGradient(r)));
  });
}

/**
 * γ·N(loc, exp(logVariance)) + (1 − γ)·δ₀, with `gamma` = P(z ≠ 0) and a relaxation `temperature` τ used
 * only by `rsample`.
 *
 * @example
 * ```ts
 * import { useBackend } from "../../tensor/backend.ts";
 * await useBackend("cpu");
 * import { SpikeSlab } from "./spike_slab.ts";
 * const m = new SpikeSlab(0.1, 2, 0).mean.dataSync()[0]; // γ·μ
 * if (Math.abs(m - 0.2) > 1e-6) throw new Error("mean");
 * ```
 */
export class SpikeSlab implements Distribution {
  readonly kind = "spike_slab";
  readonly hasRsample = true;
  readonly constraints: Readonly<Record<string, Constraint>> = {
    gamma: "unit_interval",
    loc: "real",
    logVariance: "real",
  };

  constructor(
    readonly gamma: Param,
    readonly loc: Param,
    readonly logVariance: Param,
    readonly temperature = 1,
  ) {}

  /** The broadcast shape of the parameters. */
  get batchShape(): number[] {
    return _batchShape(this.gamma, this.loc, this.logVariance);
  }

  /** The Gaussian slab N(μ, σ²). */
  get slab(): Gaussian {
    return new Gaussian(this.loc, this.logVariance);
  }

  /** E[z] = γμ. */
  get mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.mul(_asTensor(this.gamma), _asTensor(this.loc)), this.batchShape));
  }

  /** z = round(r)·(μ + σε), r = sigmoid((ℓ + logit γ)/τ), gradient through r (straight-through). */
  rsample(rng: Rng): tf.Tensor {
    return tf.tidy(() => {
      const shape = this.batchShape;
      const g = _asTensor(this.gamma);
      const logit = tf.broadcastTo(tf.sub(tf.log(g), tf.log1p(tf.neg(g))), shape);
      const selection = straightThroughBernoulli(
        logit,
        tf.tensor(logisticNoise(rng, _size(shape)), shape),
        this.temperature,
      );
      const eps = tf.tensor(rng.normalArray(_size(shape)), shape);
      const slab = tf.add(_asTensor(this.loc), tf.mul(tf.exp(tf.mul(_asTensor(this.logVariance), 0.5)), eps));
      return tf.mul(selection, slab);
    });
  }

  /** ln(1 − γ) at z = 0; ln γ + ln N(z; μ, σ²) elsewhere (density with respect to δ₀ + Lebesgue). */
  logProb(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const g = _asTensor(this.gamma);
      const slab = tf.add(tf.log(g), this.slab.logProb(z));
      return tf.where(tf.equal(z, 0), tf.broadcastTo(tf.log1p(tf.neg(g)), slab.shape), slab);
    });
  }

  /** Mixed entropy: H_Bernoulli(γ) + γ·H(N(μ, σ²)). */
  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const g = _asTensor(this.gamma);
      const off = tf.sub(1, g);
      const bernoulli = tf.neg(tf.add(tf.mul(g, tf.log(g)), tf.mul(off, tf.log(off))));
      return tf.broadcastTo(tf.add(bernoulli, tf.mul(g, this.slab.entropy())), this.batchShape);
    });
  }
}
