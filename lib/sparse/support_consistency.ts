/**
 * Consistency of sparse supports across repeated inference passes (Fig. 5; protocol §2.13): for each patch,
 * the mean pairwise Jaccard index of the supports {k : |b̂_k| > 0, k live} of P passes.
 *
 * @module
 */

/**
 * Per-patch mean pairwise Jaccard index |S_p ∩ S_q| / |S_p ∪ S_q| over the P(P − 1)/2 pairs of passes.
 * The support is taken over the atoms marked in `live` (the paper keeps atoms with ‖A_k‖ > 0.1; the authors'
 * notebook indexes that mask wrongly, protocol §2.13 — this is the paper's definition). Two empty supports are
 * identical, and count as 1.
 *
 * @param passes P ≥ 2 code arrays, each [N, K] row-major
 * @param shape [N, K]
 * @param live K flags
 * @returns N scores in [0, 1]
 *
 * @example
 * ```ts
 * import { supportConsistency } from "./support_consistency.ts";
 * // one patch, 2 atoms: supports {0} and {0, 1} → J = 1/2
 * const s = supportConsistency([new Float32Array([1, 0]), new Float32Array([2, 3])], [1, 2], [true, true]);
 * if (s[0] !== 0.5) throw new Error(`got ${s[0]}`);
 * ```
 */
export function supportConsistency(
  passes: readonly ArrayLike<number>[],
  shape: readonly [number, number],
  live: readonly boolean[],
): Float64Array {
  const [n, k] = shape;
  const p = passes.length;
  if (p < 2 || live.length !== k || passes.some((c) => c.length !== n * k)) {
    throw new RangeError(
      `Cannot compute support consistency: need ≥ 2 passes of [${n}, ${k}] codes and ${k} live flags, received ${p} passes`,
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let a = 0; a < p; a++) {
      for (let b = a + 1; b < p; b++) {
        let inter = 0;
        let union = 0;
        for (let j = 0; j < k; j++) {
          if (!live[j]) continue;
          const x = passes[a][i * k + j] !== 0;
          const y = passes[b][i * k + j] !== 0;
          if (x && y) inter++;
          if (x || y) union++;
        }
        sum += union === 0 ? 1 : inter / union;
      }
    }
    out[i] = sum / ((p * (p - 1)) / 2);
  }
  return out;
}
