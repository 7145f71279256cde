/**
 * The soft-thresholding operator, the proximal map of t·‖·‖₁.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { proximalLoops } from "../tensor/heap_kernels.ts";

/**
 * Soft-threshold every entry of `x` at `t ≥ 0`:
 *
 *   soft(x, t) = sign(x)·max(|x| − t, 0)  (Fallah & Rozell 2022, protocol §1.8; Beck & Teboulle 2009, eq. 1.5)
 *
 * Computed as `x − clip(x, −t, t)`, which is the same function in two ops and gives exact zeros wherever
 * |x| ≤ t (x − x = 0 in floating point).
 *
 * @param x any-shaped tensor
 * @param t threshold, a non-negative number
 * @returns a tensor with the shape of `x`
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { softThreshold } from "./soft_threshold.ts";
 * await tf.ready();
 * const y = softThreshold(tf.tensor1d([-2, 0.5, 3]), 1);
 * if (y.arraySync().join() !== "-1,0,2") throw new Error("wrong soft-threshold");
 * ```
 */
export function softThreshold<T extends tf.Tensor>(x: T, t: number): T {
  if (!(t >= 0)) throw new RangeError(`Cannot soft-threshold: threshold must be non-negative, received ${t}`);
  return tf.tidy(() => tf.sub(x, tf.clipByValue(x, -t, t))) as T;
}

/**
 * {@link softThreshold} on host arrays: `out[i] ← soft(v[i], t)`, with t rounded to float32 first so the result
 * is the float32 `x − clip(x, −t, t)` of the tensor form exactly (the difference of two float32 values is exact
 * in float64, then rounded once on store).
 *
 * @example
 * ```ts
 * import { softThresholdInto } from "./soft_threshold.ts";
 * const out = new Float32Array(3);
 * softThresholdInto(new Float32Array([-2, 0.5, 3]), 1, out);
 * if (out.join() !== "-1,0,2") throw new Error("wrong soft-threshold");
 * ```
 */
export function softThresholdInto(v: Float32Array, t: number, out: Float32Array): void {
  if (!(t >= 0)) throw new RangeError(`Cannot soft-threshold: threshold must be non-negative, received ${t}`);
  const t32 = Math.fround(t);
  const simd = proximalLoops(v, out); // views of the wasm heap: the same arithmetic in one SIMD pass
  if (simd !== null) return simd.softThreshold(v, out, t32);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    out[i] = x > t32 ? x - t32 : x < -t32 ? x + t32 : 0;
  }
}
