/**
 * The Laplace distribution Lap(μ, b), parameterised like the encoder's heads: `loc` μ and `logScale` ln b
 * (protocol §1.3: the Laplace "logscale" head is ln b).
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

/** The clamp on 1 − 2|u| inside the log of the Laplace reparameterisation (protocol §2.3; paper App. B). */
export const LAPLACE_LOG_CLAMP = 1e-6;

/** ±1 by table, indexed without a branch (a random sign mispredicts half the time): −x and x·(−1) are equal. */
const SIGN_OF_NEGATIVE = new Float64Array([1, -1]);

/**
 * `n` draws of the unit Laplace noise e = −sign(u)·ln(max(1 − 2|u|, 1e-6)), u ~ U(−½, ½), computed in
 * float64 on the host (Connor et al. 2020; protocol §2.3). The Laplace(0, b) sample is ε_b = b·e. The clamp
 * bounds |e| ≤ ln 1e6 ≈ 13.8.
 *
 * @example
 * ```ts
 * import { Rng } from "../../tensor/rng.ts";
 * import { laplaceUnitNoise } from "./laplace.ts";
 * const e = laplaceUnitNoise(new Rng(0), 20000);
 * const meanAbs = e.reduce((a, v) => a + Math.abs(v), 0) / e.length; // E|e| = 1
 * if (Math.abs(meanAbs - 1) > 0.03) throw new Error("E|e| should be 1");
 * ```
 */
export function laplaceUnitNoise(rng: Rng, n: number, out: Float32Array = new Float32Array(n)): Float32Array {
  for (let i = 0; i < n; i++) {
    const u = rng.next32() - 0.5;
    const mag = -Math.log(Math.max(1 - 2 * Math.abs(u), LAPLACE_LOG_CLAMP));
    out[i] = mag * SIGN_OF_NEGATIVE[Number(u < 0)]; // −sign(u)·ln(…) with ln(…) ≤ 0
  }
  return out;
}

/**
 * Lap(loc, exp(logScale)), density exp(−|z − μ|/b)/(2b).
 *
 * @example
 * ```ts
 * import { useBackend } from "../../tensor/backend.ts";
 * await useBackend("cpu");
 * import { Laplace } from "./laplace.ts";
 * const h = Laplace.withScale(0, 1).entropy().dataSync()[0]; // 1 + ln 2
 * if (Math.abs(h - (1 + Math.LN2)) > 1e-6) throw new Error("entropy");
 * ```
 */
export class Laplace implements Distribution {
  readonly kind = "laplace";
  readonly hasRsample = true;
  readonly constraints: Readonly<Record<string, Constraint>> = { loc: "real", logScale: "real" };

  constructor(readonly loc: Param, readonly logScale: Param) {}

  /** Lap(loc, scale) for a numeric scale, e.g. the prior Lap(0, b₀) with b₀ = 0.1. */
  static withScale(loc: Param, scale: number): Laplace {
    if (!(scale > 0)) {
      throw new RangeError(`Cannot create Laplace: scale must be positive, received ${scale}`);
    }
    return new Laplace(loc, Math.log(scale));
  }

  /** The broadcast shape of the parameters. */
  get batchShape(): number[] {
    return _batchShape(this.loc, this.logScale);
  }

  get mean(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(_asTensor(this.loc), this.batchShape));
  }

  /** z = μ + b·e with e the unit Laplace noise of `laplaceUnitNoise` (protocol §2.3 with warm-up w = 1). */
  rsample(rng: Rng): tf.Tensor {
    return tf.tidy(() => {
      const shape = this.batchShape;
      const e = tf.tensor(laplaceUnitNoise(rng, _size(shape)), shape);
      return tf.add(_asTensor(this.loc), tf.mul(tf.exp(_asTensor(this.logScale)), e));
    });
  }

  /** ln Lap(z; μ, b) = −ln 2b − |z − μ|/b. */
  logProb(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const logB = _asTensor(this.logScale);
      const t1 = tf.neg(tf.add(logB, Math.LN2));
      const t2 = tf.div(tf.abs(tf.sub(z, _asTensor(this.loc))), tf.exp(logB));
      return tf.sub(t1, t2);
    });
  }

  /** H = 1 + ln 2b. */
  entropy(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(tf.add(_asTensor(this.logScale), 1 + Math.LN2), this.batchShape));
  }
}
