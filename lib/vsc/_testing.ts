/**
 * Test helpers for `lib/vsc`: tolerance assertions, numerical integration and tensor-leak checks.
 *
 * Randomised tests in this folder fix their seeds; each documents its tolerance as a multiple of the Monte
 * Carlo standard error (5 SE unless stated) or as an absolute quadrature/float32 error.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import type { LinearVscConfig } from "./linear_vsc.ts";
import { latentSpecFor, type VariationalMethod } from "./methods.ts";

/** Throw unless |actual − expected| ≤ atol + rtol·|expected|. */
export function assertClose(actual: number, expected: number, atol: number, rtol = 0, what = "value"): void {
  if (!(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected))) {
    throw new Error(`${what}: expected ${expected}, received ${actual} (atol ${atol}, rtol ${rtol})`);
  }
}

/** Elementwise `assertClose` over two arrays. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol = 0,
  what = "array",
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length} vs ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) assertClose(actual[i], expected[i], atol, rtol, `${what}[${i}]`);
}

/** ∫_a^b f(x) dx by composite Simpson's rule with `n` (even) intervals, in float64. */
export function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** Run `fn` and throw if it changed the number of live tensors. */
export function assertNoLeak<T>(fn: () => T, what = "call"): T {
  const before = tf.memory().numTensors;
  const out = fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${what} leaked ${after - before} tensors`);
  return out;
}

/** The values of a tensor as a float64 array (disposes the tensor). */
export function values(t: tf.Tensor): Float64Array {
  const v = Float64Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** Mean and standard error of an array. */
export function meanSe(v: ArrayLike<number>): { mean: number; se: number } {
  let s = 0, s2 = 0;
  for (let i = 0; i < v.length; i++) (s += v[i]), (s2 += v[i] * v[i]);
  const mean = s / v.length;
  return { mean, se: Math.sqrt(Math.max(s2 / v.length - mean * mean, 0) / v.length) };
}

/** Patch size of the tiny linear models the tests train. */
export const TINY_D = 16;

/**
 * A tiny linear model (16-pixel patches, 16 atoms, encoder `hidden`) with the schedules compressed to 40
 * iterations: fast enough to train a few steps in a test.
 */
export function tinyLinearConfig(
  method: VariationalMethod | "fista",
  samples: number,
  hidden: number[] = [8, 8],
): LinearVscConfig {
  return {
    method,
    spec: method === "fista" ? null : latentSpecFor(method, {
      lambdaGaussian: 0.52,
      lambdaLaplace: 0.25,
      spikePrior: 0.1,
      estimator: "straight",
    }),
    samples,
    selection: "max",
    beta: 0.01,
    patchDim: TINY_D,
    atoms: TINY_D,
    hidden,
    encoderLr: 0.01,
    momentum: 0.9,
    totalIterations: 40,
    warmupProportion: 0.05,
    dictLr: 0.5,
    dictLrDecay: 0.99,
    frobenius: 1e-4,
    fistaLambda: 2,
    fistaWarmupStart: 0.1,
    fistaWarmupIncrement: 1e-4,
    fistaMaxIter: 50,
    fistaTol: 1e-3,
    scaleWarmupStart: 0.1,
    scaleWarmupFrom: 2,
    scaleWarmupIncrement: 0.1,
    temperatureStart: 1,
    temperatureDecay: 0.9995,
    temperatureMin: 0.5,
  };
}
