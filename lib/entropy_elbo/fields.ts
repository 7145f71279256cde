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
import { type DictionaryRecovery, dictionaryRecovery } from "../sparse/dictionary_recovery.ts";

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

/**
 * W̃: the fields with every column scaled to unit norm, for comparison (the objective leaves their length free).
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { unitColumns } from "./fields.ts";
 * await tf.ready();
 * const w = tf.tensor2d([[3, 0], [4, 2]]);
 * const u = unitColumns(w);
 * const got = u.arraySync();
 * if (Math.abs(got[0][0] - 0.6) > 1e-6 || got[1][1] !== 1) throw new Error(`${got}`);
 * tf.dispose([w, u]);
 * ```
 */
export function unitColumns(w: tf.Tensor): tf.Tensor2D {
  if (w.rank !== 2) {
    throw new RangeError(`Cannot normalise fields: expected a [D × H] matrix, received shape [${w.shape}]`);
  }
  return tf.tidy(() => tf.div(w, tf.norm(w, "euclidean", 0, true))) as tf.Tensor2D;
}

/**
 * A bars run's outcome: W̃ read back, and how well it recovers the generating fields `truth` ([D × H]).
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { recoveredFields } from "./fields.ts";
 * await tf.ready();
 * const w = tf.tensor2d([[0, 2], [-3, 0]]); // e2 and e1, scaled, one sign flipped
 * const { unit, recovery } = await recoveredFields(w, new Float32Array([1, 0, 0, 1]), 2);
 * if (recovery.recovered !== 2 || unit[2] !== -1) throw new Error(JSON.stringify(recovery));
 * w.dispose();
 * ```
 */
export async function recoveredFields(
  w: tf.Tensor,
  truth: Float32Array,
  d: number,
): Promise<{ unit: Float32Array; recovery: DictionaryRecovery }> {
  const u = unitColumns(w);
  const unit = await u.data() as Float32Array;
  u.dispose();
  return { unit, recovery: dictionaryRecovery(truth, unit, d) };
}
