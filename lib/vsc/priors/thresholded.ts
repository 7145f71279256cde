/**
 * The shifted soft-threshold T_λ and the distribution it makes of a Laplace sample (Fallah & Rozell 2022,
 * eq. 2 and Proposition 3.1; protocol §2.1).
 *
 * For s = μ + n with zero-mean noise n:  T_λ(s) = 0 if |n| ≤ |λ|,  μ + sign(n)(|n| − |λ|) otherwise.
 * If n ~ Lap(0, b), then T_λ(s) is a spike-and-slab: P(T = 0) = P(|n| ≤ |λ|) = 1 − e^{−|λ|/b}, and given
 * |n| > |λ| the excess |n| − |λ| is again Exp(1/b) (memorylessness), so the slab is Lap(μ, b) itself.
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import type { Rng } from "../../tensor/rng.ts";
import {
  _asTensor,
  _batchShape,
  _size,
  type Constraint,
  type Distribution,
  type Param,
} from "./_distribution.ts";
import { Laplace, laplaceUnitNoise } from "./laplace.ts";

/**
 * T_λ(μ + n) = soft(n, λ) + μ·[|n| > |λ|], with soft(n, λ) = ReLU(|n| − |λ|)·sign(n) (eq. 2; protocol §2.1).
 * Ordinary autodiff gives the subgradient estimator (protocol §2.5 "SG"): gradients reach μ, n and λ only on
 * active entries, with ∂T/∂λ = −sign(n)·sign(λ).
 *
 * @example
 * ```ts
 * import { useBackend } from "../../tensor/backend.ts";
 * await useBackend("cpu");
 * import { tf } from "../../tensor/tf.ts";
 * import { shiftedSoftThreshold } from "./thresholded.ts";
 * // μ = 0 is the ordinary soft-threshold: [−2, 0.5, 3] at 1 → [−1, 0, 2]
 * const z = shiftedSoftThreshold(tf.zeros([3]), tf.tensor1d([-2, 0.5, 3]), 1);
 * if (z.dataSync().join() !== "-1,0,2") throw new Error("soft-threshold");
 * ```
 */
export function shiftedSoftThreshold(mu: tf.Tensor, n: tf.Tensor, lambda: Param): tf.Tensor {
  return tf.tidy(() => {
    const absLambda = tf.abs(_asTensor(lambda));
    const excess = tf.relu(tf.sub(tf.abs(n), absLambda)); // |n| − |λ| where active, else 0
    const soft = tf.mul(excess, tf.sign(n));
    const active = tf.sign(excess); // [|n| > |λ|] ∈ {0, 1}; sign has zero gradient (tfjs has none for `greater`)
    return tf.add(soft, tf.mul(mu, active));
  });
}

/**
 * The thresholded Laplacian T_λ(Lap(μ, b)) = (1 − π₀)·Lap(μ, b) + π₀·δ₀ with spike probability
 * π₀ = 1 − e^{−|λ|/b} (Proposition 3.1 and eq. 3). `logProb` is the density with respect to δ₀ + Lebesgue.
 *
 * @example
 * ```ts
 * import { useBackend } from "../../tensor/backend.ts";
 * await useBackend("cpu");
 * import { ThresholdedLaplace } from "./thresholded.ts";
 * // prior b₀ = 0.1 and λ = 0.25 keep e^{−2.5} ≈ 8.2% of the latents (protocol §1.6)
 * const p = new ThresholdedLaplace(0, Math.log(0.1), 0.25).spikeProbability().dataSync()[0];
 * if (Math.abs(1 - p - Math.exp(-2.5)) > 1e-6) throw new Error("spike probability");
 * ```
 */
export class ThresholdedLaplace implements Distribution {
  readonly kind = "thresholded_laplace";
  /** Pathwise in μ, b and λ through the subgradient of T_λ (zero on the spike). */
  readonly hasRsample = true;
  readonly constraints: Readonly<Record<string, Constraint>> = {
    loc: "real",
    logScale: "real",
    lambda: "real",
  };

  constructor(readonly loc: Param, readonly logScale: Param, readonly lambda: Param) {}

  /** The broadcast shape of the parameters. */
  get batchShape(): number[] {
    return _batchShape(this.loc, this.logScale, this.lambda);
  }

  /** The base distribution Lap(μ, b) before thresholding (also the slab). */
  get base(): Laplace {
    return new Laplace(this.loc, this.logScale);
  }

  /** π₀ = P(T_λ(s) = 0) = 1 − exp(−|λ|/b) (eq. 3). */
  spikeProbability(): tf.Tensor {
    return tf.tidy(() => {
      const ratio = tf.div(tf.abs(_asTensor(this.lambda)), tf.exp(_asTensor(this.logScale)));
      return tf.broadcastTo(tf.sub(1, tf.exp(tf.neg(ratio))), this.batchShape);
    });
  }

  /** E[z] = (1 − π₀)·μ. */
  get mean(): tf.Tensor {
    return tf.tidy(() => {
      const pi0 = this.spikeProbability();
      return tf.mul(tf.sub(1, pi0), _asTensor(this.loc));
    });
  }

  /** z = T_λ(μ + b·e), e unit Laplace noise (subgradient estimator). */
  rsample(rng: Rng): tf.Tensor {
    return tf.tidy(() => {
      const shape = this.batchShape;
      const e = tf.tensor(laplaceUnitNoise(rng, _size(shape)), shape);
      const n = tf.mul(tf.exp(_asTensor(this.logScale)), e);
      return shiftedSoftThreshold(tf.broadcastTo(_asTensor(this.loc), shape), n, this.lambda);
    });
  }

  /** ln π₀ at z = 0; ln(1 − π₀) + ln Lap(z; μ, b) = −|λ|/b + ln Lap(z; μ, b) elsewhere. */
  logProb(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const pi0 = this.spikeProbability();
      const slab = tf.sub(
        this.base.logProb(z),
        tf.div(tf.abs(_asTensor(this.lambda)), tf.exp(_asTensor(this.logScale))),
      );
      return tf.where(tf.equal(z, 0), tf.broadcastTo(tf.log(pi0), slab.shape), slab);
    });
  }

  /** Mixed entropy: H_Bernoulli(π₀) + (1 − π₀)·(1 + ln 2b). */
  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const pi0 = this.spikeProbability();
      const on = tf.sub(1, pi0);
      const bernoulli = tf.neg(tf.add(tf.mul(pi0, tf.log(pi0)), tf.mul(on, tf.log(on))));
      return tf.add(bernoulli, tf.mul(on, this.base.entropy()));
    });
  }
}
