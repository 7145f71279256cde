/**
 * Timing metrics (`seconds_per_epoch`, `durationS`): they measure the machine and its load, not the computation.
 * So they are never compared against the seed spread (`diff`), nor between backends, and never handed to
 * dependants (`execute.ts`): no stage can depend on one, which lets early cut-off ignore them.
 *
 * @module
 */
import type { Metrics } from "./stage.ts";

/**
 * Whether a metric is a timing.
 *
 * @example
 * ```ts
 * import { isTimingMetric } from "./timing_metric.ts";
 * if (!isTimingMetric("seconds_per_epoch") || isTimingMetric("val_loss")) throw new Error("wrong");
 * ```
 */
export function isTimingMetric(name: string): boolean {
  return /(^|_)seconds(_|$)|duration/i.test(name);
}

/** The metrics without their timings. */
export function withoutTimings(metrics: Metrics): Metrics {
  return Object.fromEntries(Object.entries(metrics).filter(([name]) => !isTimingMetric(name)));
}
