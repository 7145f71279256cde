/**
 * How well a learned dictionary recovers known generating fields (the bars benchmark, protocol §5.4): each true
 * field is matched to a distinct learned column by the one-to-one assignment that maximises the summed |cosine|
 * (signs are not identifiable under symmetric sources), then scored by that |cosine|.
 *
 * @module
 */
import { minCostAssignment } from "../stats/assignment.ts";

/** What {@link dictionaryRecovery} returns. */
export interface DictionaryRecovery {
  /** |cos| of each true field with its matched learned column. */
  cosines: number[];
  /** For each true field, the index of its learned column. */
  matched: number[];
  mean: number;
  min: number;
  /** True fields whose |cos| ≥ `threshold`. */
  recovered: number;
  threshold: number;
}

/**
 * Match the H true fields (columns of `truth`, [D × H] row-major) to columns of `learned` ([D × K] row-major,
 * K ≥ H) and score them.
 *
 * @example
 * ```ts
 * import { dictionaryRecovery } from "./dictionary_recovery.ts";
 * // D = 2: truth = e1, e2; learned = (−e2, e1·0.5): both recovered, with the columns swapped and a sign flipped
 * const r = dictionaryRecovery(new Float32Array([1, 0, 0, 1]), new Float32Array([0, 0.5, -1, 0]), 2);
 * if (r.recovered !== 2 || r.matched.join() !== "1,0") throw new Error(JSON.stringify(r));
 * ```
 */
export function dictionaryRecovery(
  truth: Float32Array,
  learned: Float32Array,
  d: number,
  threshold = 0.95,
): DictionaryRecovery {
  const h = truth.length / d, k = learned.length / d;
  if (!Number.isInteger(h) || !Number.isInteger(k) || k < h) {
    throw new RangeError(
      `Cannot score recovery: expected truth [${d} × H] and learned [${d} × K] with K ≥ H, received ` +
        `${truth.length} and ${learned.length} values`,
    );
  }
  const column = (m: Float32Array, cols: number, j: number) =>
    Float64Array.from({ length: d }, (_, p) => m[p * cols + j]);
  const unit = (v: Float64Array) => {
    const norm = Math.hypot(...v);
    return norm > 0 ? v.map((x) => x / norm) : v;
  };
  const t = Array.from({ length: h }, (_, j) => unit(column(truth, h, j)));
  const l = Array.from({ length: k }, (_, j) => unit(column(learned, k, j)));
  const cos = t.map((a) => l.map((b) => Math.abs(a.reduce((s, x, p) => s + x * b[p], 0))));
  const matched = minCostAssignment(cos.map((row) => row.map((c) => -c)));
  const cosines = matched.map((j, i) => cos[i][j]);
  return {
    cosines,
    matched,
    mean: cosines.reduce((s, c) => s + c, 0) / h,
    min: Math.min(...cosines),
    recovered: cosines.filter((c) => c >= threshold).length,
    threshold,
  };
}

/** The recovery as a run's metrics, under the names every bars table reads. */
export function recoveryMetrics(r: DictionaryRecovery): {
  recovery_mean: number;
  recovery_min: number;
  bars_recovered: number;
  recovery_threshold: number;
  matched: number[];
} {
  return {
    recovery_mean: r.mean,
    recovery_min: r.min,
    bars_recovered: r.recovered,
    recovery_threshold: r.threshold,
    matched: r.matched,
  };
}
