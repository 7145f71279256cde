/**
 * The Gamma distribution Gamma(α, β) in the rate parameterisation (density βᵅ zᵅ⁻¹ e^{−βz}/Γ(α)), the
 * variational posterior and prior of the learned threshold λ (Fallah & Rozell 2022 §3.2, App. B; protocol §2.4).
 *
 * `rsample` is pathwise differentiable in both parameters: z = x/β with x ~ Gamma(α, 1) drawn on the host
 * (Marsaglia–Tsang) and ∂x/∂α given by implicit reparameterisation (see `../standard_gamma.ts`).
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import { type CustomGradientFunc, digamma, lgamma } from "../../tensor/ops.ts";
import type { Rng } from "../../tensor/rng.ts";
import { sampleStandardGamma, standardGammaGradAlpha } from "../standard_gamma.ts";
import { _asTensor, _batchShape, type Constraint, type Distribution, type Param } from "./_distribution.ts";

/**
 * x ~ Gamma(α, 1) elementwise, with the implicit reparameterisation gradient
 * ∂x/∂α = −(∂P(α, x)/∂α)/f(x; α) (Figurnov et al. 2018). α is read to the host (one `dataSync`); the
 * gradient is evaluated lazily in the backward pass at the float32 sample.
 *
 * @example
 * ```ts
 * import { useBackend } from "../../tensor/backend.ts";
 * await useBackend("cpu");
 * import { tf } from "../../tensor/tf.ts";
 * import { Rng } from "../../tensor/rng.ts";
 * import { standardGammaRsample } from "./gamma.ts";
 * const x = standardGammaRsample(tf.fill([4000], 2), new Rng(0));
 * if (Math.abs(tf.mean(x).dataSync()[0] - 2) > 0.1) throw new Error("E[x] should be α = 2");
 * ```
 */
export function standardGammaRsample(alpha: tf.Tensor, rng: Rng): tf.Tensor {
  const op = tf.customGrad(
    ((a: tf.Tensor) => {
      const alphaValues = a.dataSync();
      const x = new Float32Array(alphaValues.length);
      for (let i = 0; i < x.length; i++) x[i] = sampleStandardGamma(alphaValues[i], rng);
      return {
        value: tf.tensor(x, a.shape),
        gradFunc: (dy: tf.Tensor) => {
          // dy·∂x/∂α on the host, skipping entries that receive no gradient (e.g. inactive thresholds)
          const dyValues = dy.dataSync();
          const g = new Float32Array(x.length);
          for (let i = 0; i < x.length; i++) {
            if (dyValues[i] !== 0) g[i] = dyValues[i] * standardGammaGradAlpha(x[i], alphaValues[i]);
          }
          return tf.tensor(g, a.shape);
        },
      };
    }) as CustomGradientFunc,
  );
  return tf.tidy(() => op(alpha));
}

/**
 * Gamma(concentration α, rate β).
 *
 * @example
 * ```ts
 * import { useBackend } from "../../tensor/backend.ts";
 * await useBackend("cpu");
 * import { Gamma } from "./gamma.ts";
 * const m = new Gamma(3, 12).mean.dataSync()[0]; // α/β: the prior Gamma(3, 3/λ₀) has mean λ₀ = 0.25
 * if (Math.abs(m - 0.25) > 1e-7) throw new Error("mean");
 * ```
 */
export class Gamma implements Distribution {
  readonly kind = "gamma";
  readonly hasRsample = true;
  readonly constraints: Readonly<Record<string, Constraint>> = {
    concentration: "positive",
    rate: "positive",
  };

  constructor(readonly concentration: Param, readonly rate: Param) {
    for (const [name, v] of [["concentration", concentration], ["rate", rate]] as const) {
      if (typeof v === "number" && !(v > 0)) {
        throw new RangeError(`Cannot create Gamma: ${name} must be positive, received ${v}`);
      }
    }
  }

  /** The broadcast shape of the parameters. */
  get batchShape(): number[] {
    return _batchShape(this.concentration, this.rate);
  }

  /** E[z] = α/β. */
  get mean(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.div(_asTensor(this.concentration), _asTensor(this.rate)), this.batchShape)
    );
  }

  /** z = x/β with x ~ Gamma(α, 1) (`standardGammaRsample`), so ∂z/∂β = −z/β. */
  rsample(rng: Rng): tf.Tensor {
    return tf.tidy(() => {
      const alpha = tf.broadcastTo(_asTensor(this.concentration), this.batchShape);
      return tf.div(standardGammaRsample(alpha, rng), _asTensor(this.rate));
    });
  }

  /** ln p(z) = α ln β + (α − 1) ln z − βz − ln Γ(α). */
  logProb(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const a = _asTensor(this.concentration), b = _asTensor(this.rate);
      const t1 = tf.mul(a, tf.log(b));
      const t2 = tf.mul(tf.sub(a, 1), tf.log(z));
      const t3 = tf.mul(b, z);
      return tf.sub(tf.sub(tf.add(t1, t2), t3), lgamma(a));
    });
  }

  /** H = α − ln β + ln Γ(α) + (1 − α)ψ(α). */
  entropy(): tf.Tensor {
    return tf.tidy(() => {
      const a = _asTensor(this.concentration), b = _asTensor(this.rate);
      const h = tf.add(tf.sub(a, tf.log(b)), tf.add(lgamma(a), tf.mul(tf.sub(1, a), digamma(a))));
      return tf.broadcastTo(h, this.batchShape);
    });
  }
}
