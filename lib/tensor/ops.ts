/**
 * Small tensor ops that tfjs lacks or gets wrong somewhere: a stop-gradient, a sum of many tensors that every
 * backend adds correctly, and the log-gamma / digamma special functions.
 *
 * All are compositions of tfjs ops (so they run on every backend) and differentiate with ordinary autodiff,
 * except `stopGradient`, whose gradient is zero by construction.
 *
 * @module
 */
import { tf } from "./tf.ts";

/** The argument type of `tf.customGrad` (tfjs does not export it by name). */
export type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

const stopGradientOp = tf.customGrad(
  ((x: tf.Tensor) => ({
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  })) as CustomGradientFunc,
);

/**
 * sg(x): the identity in the forward pass with all partial derivatives equal to zero
 * (van den Oord et al. 2017, the "sg" of Fallah & Rozell 2022 eq. 4).
 *
 * @example
 * ```ts
 * import { useBackend } from "./backend.ts";
 * await useBackend("cpu");
 * import { tf } from "./tf.ts";
 * import { stopGradient } from "./ops.ts";
 * const g = tf.grad((x: tf.Tensor) => tf.sum(tf.add(x, stopGradient(tf.mul(x, x)))));
 * const dx = g(tf.tensor1d([3]));
 * if (dx.dataSync()[0] !== 1) throw new Error("sg(x²) must not contribute a gradient");
 * ```
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => stopGradientOp(x) as T);
}

/** The most inputs one `AddN` takes on webgpu (measured: tfjs-backend-webgpu 4.22 drops the 8th and later). */
const WEBGPU_ADDN_MAX = 7;

/**
 * The elementwise sum of same-shaped tensors: `tf.addN`, in groups of at most 7 on webgpu, whose `AddN`
 * silently ignores every input after the 7th (tfjs-backend-webgpu 4.22, checked on llvmpipe: addN of 8 ones
 * gives 7). Other backends get one `tf.addN`, so their results do not change.
 *
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * import { sumTensors } from "./ops.ts";
 * await tf.ready();
 * const s = sumTensors(Array.from({ length: 9 }, () => tf.ones([2])));
 * if (s.dataSync()[0] !== 9) throw new Error("nine ones");
 * ```
 */
export function sumTensors<T extends tf.Tensor>(terms: T[]): T {
  if (tf.getBackend() !== "webgpu" || terms.length <= WEBGPU_ADDN_MAX) return tf.addN(terms);
  return tf.tidy(() => {
    let rest: T[] = terms;
    while (rest.length > WEBGPU_ADDN_MAX) {
      const groups: T[] = [];
      for (let i = 0; i < rest.length; i += WEBGPU_ADDN_MAX) {
        const group = rest.slice(i, i + WEBGPU_ADDN_MAX);
        groups.push(group.length === 1 ? group[0] : tf.addN(group));
      }
      rest = groups;
    }
    return tf.addN(rest);
  });
}

/** Shift used by `lgamma`/`digamma`: the asymptotic series is evaluated at y = x + SHIFT ≥ 6. */
const SHIFT = 6;

/**
 * ln Γ(x) for x > 0, elementwise: ln Γ(x) = ln Γ(x + 6) − Σ_{i=0}^{5} ln(x + i), with Stirling's series
 * ln Γ(y) ≈ (y − ½) ln y − y + ½ ln 2π + 1/(12y) − 1/(360y³) + 1/(1260y⁵) at y = x + 6 (truncation error
 * < 3e-9, below float32 resolution). Its autodiff gradient is the matching asymptotic digamma.
 *
 * @example
 * ```ts
 * import { useBackend } from "./backend.ts";
 * await useBackend("cpu");
 * import { tf } from "./tf.ts";
 * import { lgamma } from "./ops.ts";
 * const v = lgamma(tf.tensor1d([1, 2, 5])).dataSync(); // ln 1, ln 1, ln 24
 * if (Math.abs(v[0]) > 1e-5 || Math.abs(v[1]) > 1e-5 || Math.abs(v[2] - Math.log(24)) > 1e-5) throw new Error("lgamma");
 * ```
 */
export function lgamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const y = tf.add(x, SHIFT);
    const inv = tf.reciprocal(y);
    const inv2 = tf.square(inv);
    // 1/(12y) − 1/(360y³) + 1/(1260y⁵), in Horner form
    const series = tf.mul(inv, tf.add(1 / 12, tf.mul(inv2, tf.add(-1 / 360, tf.mul(inv2, 1 / 1260)))));
    const stirling = tf.add(
      tf.sub(tf.mul(tf.sub(y, 0.5), tf.log(y)), y),
      tf.add(series, 0.5 * Math.log(2 * Math.PI)),
    );
    let logProduct = tf.log(x);
    for (let i = 1; i < SHIFT; i++) logProduct = tf.add(logProduct, tf.log(tf.add(x, i)));
    return tf.sub(stirling, logProduct);
  });
}

/**
 * ψ(x) = d ln Γ(x)/dx for x > 0, elementwise: ψ(x) = ψ(x + 6) − Σ_{i=0}^{5} 1/(x + i), with
 * ψ(y) ≈ ln y − 1/(2y) − 1/(12y²) + 1/(120y⁴) − 1/(252y⁶) at y = x + 6 (truncation error < 3e-9).
 *
 * @example
 * ```ts
 * import { useBackend } from "./backend.ts";
 * await useBackend("cpu");
 * import { tf } from "./tf.ts";
 * import { digamma } from "./ops.ts";
 * const v = digamma(tf.tensor1d([1])).dataSync()[0]; // −γ_Euler
 * if (Math.abs(v + 0.5772156649) > 1e-5) throw new Error("digamma");
 * ```
 */
export function digamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const y = tf.add(x, SHIFT);
    const inv = tf.reciprocal(y);
    const inv2 = tf.square(inv);
    // −1/(12y²) + 1/(120y⁴) − 1/(252y⁶), in Horner form
    const series = tf.mul(inv2, tf.add(-1 / 12, tf.mul(inv2, tf.add(1 / 120, tf.mul(inv2, -1 / 252)))));
    const asymptotic = sumTensors([tf.log(y), tf.mul(inv, -0.5), series]);
    let reciprocalSum = tf.reciprocal(x);
    for (let i = 1; i < SHIFT; i++) reciprocalSum = tf.add(reciprocalSum, tf.reciprocal(tf.add(x, i)));
    return tf.sub(asymptotic, reciprocalSum);
  });
}
