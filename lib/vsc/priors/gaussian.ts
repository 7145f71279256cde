/**
 * The Gaussian N(μ, σ²), parameterised like the encoder's heads: `loc` μ and `logVariance` ln σ²
 * (protocol §1.3: the Gaussian "logscale" head is a log-variance).
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

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * N(loc, exp(logVariance)).
 *
 * @example
 * ```ts
 * import { useBackend } from "../../tensor/backend.ts";
 * await useBackend("cpu");
 * import { Gaussian } from "./gaussian.ts";
 * const h = Gaussian.withVariance(0, 1).entropy().dataSync()[0]; // ½ ln(2πe)
 * if (Math.abs(h - 0.5 * Math.log(2 * Math.PI * Math.E)) > 1e-6) throw new Error("entropy");
 * ```
 */
export class Gaussian implements Distribution {
  readonly kind = "gaussian";
  readonly hasRsample = true;
  readonly constraints: Readonly<Record<string, Constraint>> = { loc: "real", logVariance: "real" };

  constructor(readonly loc: Param, readonly logVariance: Param) {}

  /** N(loc, variance) for a numeric variance, e.g. the prior N(0, v₀) with v₀ = 0.1. */
  static withVariance(loc: Param, variance: number): Gaussian {
    if (!(variance > 0)) {
      throw new RangeError(`Cannot create Gaussian: variance must be positive, received ${variance}`);
    }
    return new Gaussian(loc, Math.log(variance));
  }

  /** The broadcast shape of the parameters. */
  get batchShape(): number[] {
    return _batchShape(this.loc, this.logVariance);
  }

  get mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(_asTensor(this.loc), this.batchShape));
  }

  /** z = μ + σ·ε, σ = exp(½ logVariance), ε ~ N(0, 1) drawn from `rng` (Kingma & Welling 2014). */
  rsample(rng: Rng): tf.Tensor {
    return tf.tidy(() => {
      const shape = this.batchShape;
      const eps = tf.tensor(rng.normalArray(_size(shape)), shape);
      const sigma = tf.exp(tf.mul(_asTensor(this.logVariance), 0.5));
      return tf.add(_asTensor(this.loc), tf.mul(sigma, eps));
    });
  }

  /** ln N(z; μ, σ²) = −½(ln 2π + ln σ²) − (z − μ)²/(2σ²). */
  logProb(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const lv = _asTensor(this.logVariance);
      const t1 = tf.mul(tf.add(lv, LOG_2PI), -0.5);
      const t2 = tf.div(tf.square(tf.sub(z, _asTensor(this.loc))), tf.mul(tf.exp(lv), 2));
      return tf.sub(t1, t2);
    });
  }

  /** H = ½(1 + ln 2π + ln σ²). */
  entropy(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.mul(tf.add(_asTensor(this.logVariance), 1 + LOG_2PI), 0.5), this.batchShape)
    );
  }
}
