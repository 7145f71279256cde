/**
 * The warm-up and temperature of the latent layer as functions of the iteration counter (protocol §1.7), shared by
 * the linear and the DNN models: they differ only in which priors are warmed up.
 *
 * @module
 */
import { concreteTemperature, scaleWarmup } from "../sparse/schedules.ts";
import type { Schedule } from "./latent_spec.ts";

/** The schedule parameters a model config carries. */
export interface LatentScheduleConfig {
  /** Scale warm-up w: start value, first iteration that increments, increment per iteration. */
  scaleWarmupStart: number;
  scaleWarmupFrom: number;
  scaleWarmupIncrement: number;
  /** Concrete temperature τ: start, per-iteration factor, floor. */
  temperatureStart: number;
  temperatureDecay: number;
  temperatureMin: number;
}

/**
 * Warm-up w (1 when `warmed` is false) and temperature τ at `iteration`.
 *
 * @example
 * ```ts
 * import { latentSchedule } from "./latent_schedule.ts";
 * const c = {
 *   scaleWarmupStart: 0.1, scaleWarmupFrom: 10, scaleWarmupIncrement: 0.01,
 *   temperatureStart: 1, temperatureDecay: 0.99, temperatureMin: 0.5,
 * };
 * if (latentSchedule(0, false, c).warmup !== 1) throw new Error("unwarmed priors use w = 1");
 * ```
 */
export function latentSchedule(iteration: number, warmed: boolean, c: LatentScheduleConfig): Schedule {
  return {
    warmup: warmed
      ? scaleWarmup(iteration, {
        initial: c.scaleWarmupStart,
        start: c.scaleWarmupFrom,
        increment: c.scaleWarmupIncrement,
      })
      : 1,
    temperature: concreteTemperature(iteration, {
      initial: c.temperatureStart,
      rate: c.temperatureDecay,
      tempMin: c.temperatureMin,
    }),
  };
}
