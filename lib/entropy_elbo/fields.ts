/**
 * The generative fields' starting point in Velychko et al.'s code (`LinearLVModel`, protocol §5.3): i.i.d. N(0, 1),
 * then every column scaled to unit norm. The objective normalises the columns anyway; the start's norm matters
 * for the step size: a gradient of a scale-free objective shrinks as 1/‖w_h‖, so the same learning rate on
 * unnormalised N(0, 1) columns of length √D would turn the fields D times more slowly.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import type { Rng } from "../tensor/rng.ts";

/**
 * A variable [D, H] of unit-norm random fields, owned by the caller.
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { Rng } from "../tensor/rng.ts";
 * import { initialFields } from "./fields.ts";
 * await tf.ready();
 * const w = initialFields(new Rng(0), 9, 4);
 * const norms = tf.norm(w, "euclidean", 0).arraySync() as number[];
 * if (norms.some((n) => Math.abs(n - 1) > 1e-5)) throw new Error(`norms ${norms}`);
 * w.dispose();
 * ```
 */
export function initialFields(rng: Rng, d: number, h: number): tf.Variable {
  return tf.tidy(() => {
    const w = tf.tensor2d(rng.normalArray(d * h), [d, h]);
    return tf.variable(tf.div(w, tf.norm(w, "euclidean", 0, true)));
  });
}
