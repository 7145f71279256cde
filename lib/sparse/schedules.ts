/**
 * The per-iteration and per-epoch schedules of the Fallah & Rozell training runs, as small pure functions of the
 * global iteration counter `it = iterationsPerEpoch·epoch + i` (0-based) or of the epoch.
 *
 * Each function returns the value *in effect during* iteration `it` (or epoch), i.e. after all updates made at the
 * end of the earlier iterations.
 *
 * @module
 */

/** Options of {@link cycleLearningRate}. */
export interface CycleOptions {
  /** Total scheduler steps n_iter (epochs × iterations per epoch; 240,000 for the linear experiment). */
  nIter: number;
  /** Peak learning rate lr_max (0.01 SGD linear; 3e-4 Adam DNN). */
  lrMax: number;
  /** Fraction of n_iter spent in the linear warm-up. @default 0.05 */
  warmupProportion?: number;
  /** lr_min = lr_max / divFactor. @default 25 */
  divFactor?: number;
  /** The cosine phase ends at lr_min / finalDiv. @default 1e4 */
  finalDiv?: number;
  /** The optimizer's constructor lr, used by step 0 (the scheduler steps after `opt.step()`). @default lrMax */
  initialLr?: number;
}

/**
 * Learning rate used by optimizer step `step` (0-based) under rosinality's CycleScheduler with momentum cycling off
 * (protocol §1.4). With P₁ = ⌊n_iter·warmupProportion⌋, P₂ = n_iter − P₁, lr_min = lr_max/divFactor,
 * lr_end = lr_min/finalDiv, and s = ((step − 1) mod (P₁ + P₂)) + 1 the scheduler's call count:
 *
 * 1. step = 0: the constructor lr (`initialLr`), because the scheduler is stepped after the first `opt.step()`.
 * 2. 1 ≤ s ≤ P₁ (linear warm-up): lr = lr_min + (s/P₁)(lr_max − lr_min).
 * 3. P₁ < s ≤ P₁ + P₂ (cosine): with m = s − P₁, lr = lr_end + (lr_max − lr_end)/2·(1 + cos(π m/P₂)).
 * 4. After P₁ + P₂ calls the scheduler resets both phases, so the cycle repeats from case 2.
 *
 * @example
 * ```ts
 * import { cycleLearningRate } from "./schedules.ts";
 * const o = { nIter: 240_000, lrMax: 0.01 };
 * if (cycleLearningRate(0, o) !== 0.01) throw new Error("case 1");
 * if (Math.abs(cycleLearningRate(12_000, o) - 0.01) > 1e-15) throw new Error("end of warm-up");
 * if (Math.abs(cycleLearningRate(240_000, o) - 4e-8) > 1e-20) throw new Error("end of cosine");
 * ```
 */
export function cycleLearningRate(step: number, options: CycleOptions): number {
  const { nIter, lrMax, warmupProportion = 0.05, divFactor = 25, finalDiv = 1e4 } = options;
  if (!Number.isInteger(step) || step < 0) {
    throw new RangeError(
      `Cannot compute cycleLearningRate: "step" must be a non-negative integer, received ${step}`,
    );
  }
  const p1 = Math.floor(nIter * warmupProportion);
  const p2 = nIter - p1;
  if (p1 < 1 || p2 < 1) {
    throw new RangeError(
      `Cannot compute cycleLearningRate: both phases need at least one step, received ${p1} and ${p2} for nIter ${nIter}`,
    );
  }
  if (step === 0) return options.initialLr ?? lrMax; // case 1
  const lrMin = lrMax / divFactor;
  const lrEnd = lrMin / finalDiv;
  const s = ((step - 1) % (p1 + p2)) + 1; // case 4: cycling
  if (s <= p1) return lrMin + (s / p1) * (lrMax - lrMin); // case 2
  const m = s - p1; // case 3
  return lrEnd + ((lrMax - lrEnd) / 2) * (Math.cos(Math.PI * (m / p2)) + 1);
}

/** Options of {@link scaleWarmup}. */
export interface ScaleWarmupOptions {
  /** First iteration whose end-of-iteration update increments w: 1500 linear/CelebA, 500 FMNIST. @default 1500 */
  start?: number;
  /** w before any increment. @default 0.1 */
  initial?: number;
  /** Increment per iteration. @default 2e-4 */
  increment?: number;
}

/**
 * The Laplace sample-scale / spike-and-slab slab warm-up w (protocol §1.7, 3.2): w starts at 0.1 and, at the end of
 * every iteration it ≥ start, grows by 2e-4, capped at 1.
 *
 * 1. it ≤ start: w = initial (0.1).
 * 2. start < it: w = min(1, initial + increment·(it − start)); with the defaults w reaches 1 at it = 6000.
 *
 * @example
 * ```ts
 * import { scaleWarmup } from "./schedules.ts";
 * if (scaleWarmup(1500) !== 0.1 || Math.abs(scaleWarmup(2000) - 0.2) > 1e-12 || scaleWarmup(6000) !== 1) {
 *   throw new Error("wrong warm-up");
 * }
 * ```
 */
export function scaleWarmup(it: number, options: ScaleWarmupOptions = {}): number {
  const { start = 1500, initial = 0.1, increment = 2e-4 } = options;
  if (it <= start) return initial; // case 1
  return Math.min(1, initial + increment * (it - start)); // case 2
}

/**
 * The FISTA λ warm-up w_F of the FISTA baseline (protocol §1.8): τ = 20·w_F with w_F = 0.1 + 1e-4 per iteration, capped
 * at 1.
 *
 * 1. it = 0: w_F = 0.1.
 * 2. it > 0: w_F = min(1, 0.1 + 1e-4·it); it reaches 1 at it = 9000.
 *
 * @example
 * ```ts
 * import { fistaLambdaWarmup } from "./schedules.ts";
 * if (fistaLambdaWarmup(0) !== 0.1 || Math.abs(fistaLambdaWarmup(4000) - 0.5) > 1e-12) throw new Error("wrong");
 * if (fistaLambdaWarmup(9000) !== 1 || fistaLambdaWarmup(50_000) !== 1) throw new Error("wrong cap");
 * ```
 */
export function fistaLambdaWarmup(
  it: number,
  options: { initial?: number; increment?: number } = {},
): number {
  const { initial = 0.1, increment = 1e-4 } = options;
  return Math.min(1, initial + increment * it);
}

/**
 * The concrete (relaxed-Bernoulli) temperature of the spike-and-slab (protocol §1.7, 3.2): 1.0 multiplied by 0.9995 at
 * the end of every iteration, floored at temp_min (0.5 linear, 0.005 DNN).
 *
 * 1. τ = max(tempMin, initial·rate^it); with the linear defaults the floor is reached at it = 1386.
 *
 * @example
 * ```ts
 * import { concreteTemperature } from "./schedules.ts";
 * if (concreteTemperature(0, { tempMin: 0.5 }) !== 1) throw new Error("start");
 * if (concreteTemperature(1385, { tempMin: 0.5 }) <= 0.5 || concreteTemperature(1386, { tempMin: 0.5 }) !== 0.5) {
 *   throw new Error("floor");
 * }
 * ```
 */
export function concreteTemperature(
  it: number,
  options: { tempMin: number; initial?: number; rate?: number },
): number {
  const { tempMin, initial = 1, rate = 0.9995 } = options;
  return Math.max(tempMin, initial * rate ** it);
}

/**
 * The dictionary learning rate of the linear experiment (protocol §1.2): η = 0.5·0.99^epoch (decayed after every epoch).
 *
 * @example
 * ```ts
 * import { dictionaryLearningRate } from "./schedules.ts";
 * if (dictionaryLearningRate(0) !== 0.5 || Math.abs(dictionaryLearningRate(2) - 0.5 * 0.9801) > 1e-15) {
 *   throw new Error("wrong decay");
 * }
 * ```
 */
export function dictionaryLearningRate(
  epoch: number,
  options: { initial?: number; decay?: number } = {},
): number {
  const { initial = 0.5, decay = 0.99 } = options;
  return initial * decay ** epoch;
}
