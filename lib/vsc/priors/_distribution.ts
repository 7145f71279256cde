/**
 * The vocabulary every distribution file in `priors/` shares (after torch.distributions).
 *
 * Parameters are `tf.Tensor | number` and are borrowed, not owned: a distribution object never disposes
 * them, and every method returns a fresh tensor created inside `tf.tidy`. Numbers broadcast like scalars.
 *
 * @module
 */
import { tf } from "../../tensor/tf.ts";
import type { Rng } from "../../tensor/rng.ts";

/** A distribution parameter: a tensor (borrowed) or a number (a broadcast scalar). */
export type Param = tf.Tensor | number;

/** The support or domain of a parameter, as declared in each file's `constraints`. */
export type Constraint = "real" | "positive" | "unit_interval" | "nonnegative";

/** The members every distribution exposes. Shapes are the broadcast shape of its parameters. */
export interface Distribution {
  /** Registry key used by `kl.ts`. */
  readonly kind: string;
  /** Whether `rsample` is pathwise differentiable with respect to the parameters. */
  readonly hasRsample: boolean;
  /** Declared parameter constraints, keyed by parameter name. */
  readonly constraints: Readonly<Record<string, Constraint>>;
  /** E[z], a new tensor. */
  readonly mean: tf.Tensor;
  /** One draw per element with the noise taken from `rng` on the host; gradients flow to the parameters. */
  rsample(rng: Rng): tf.Tensor;
  /** log density of `z` (with respect to Lebesgue measure, plus a point mass at 0 for spike-and-slabs). */
  logProb(z: tf.Tensor): tf.Tensor;
  /** Differential entropy (mixed entropy for spike-and-slabs). */
  entropy(): tf.Tensor;
}

/** A parameter as a tensor (numbers become float32 scalars; call inside `tf.tidy`). */
export function _asTensor(p: Param): tf.Tensor {
  return typeof p === "number" ? tf.scalar(p) : p;
}

/** The broadcast shape of a set of parameters. */
export function _batchShape(...params: Param[]): number[] {
  let shape: number[] = [];
  for (const p of params) {
    if (typeof p !== "number") shape = tf.broadcast_util.assertAndGetBroadcastShape(shape, p.shape);
  }
  return shape;
}

/** The number of elements of a shape. */
export function _size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
