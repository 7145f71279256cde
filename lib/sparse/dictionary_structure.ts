/**
 * The structure numbers of one dictionary, together: oriented atoms (`atom_orientation.ts`) and smooth,
 * localized atoms (`atom_structure.ts`).
 *
 * @module
 */
import { atomOrientation } from "./atom_orientation.ts";
import { atomSmoothness } from "./atom_structure.ts";

/** What {@link dictionaryStructure} returns. */
export interface DictionaryStructure {
  live_atoms: number;
  /** % of live atoms with structure-tensor coherence ≥ 0.5. */
  oriented_percent: number;
  mean_coherence: number;
  /** % of live atoms both smooth (lag-1 autocorrelation ≥ 0.2) and localized (RMS radius ≤ 4 px). */
  smooth_localized_percent: number;
  mean_smoothness: number;
  mean_radius: number;
}

/**
 * Structure of a dictionary A [D, K] (row-major, D = side²), leaving out atoms of norm ≤ `minNorm`.
 *
 * @example
 * ```ts
 * import { dictionaryStructure } from "./dictionary_structure.ts";
 * import { Rng } from "../tensor/rng.ts";
 * const s = dictionaryStructure(new Rng(0).normalArray(256 * 64), [256, 64]);
 * if (s.oriented_percent !== 0 || s.smooth_localized_percent !== 0 || s.live_atoms !== 64) throw new Error(JSON.stringify(s));
 * ```
 */
export function dictionaryStructure(
  a: ArrayLike<number>,
  shape: readonly number[],
  minNorm = 0.1,
): DictionaryStructure {
  const dims = [shape[0], shape[1]] as const;
  const o = atomOrientation(a, dims, { minNorm });
  const s = atomSmoothness(a, dims, { minNorm });
  return {
    live_atoms: o.live,
    oriented_percent: o.orientedPercent,
    mean_coherence: o.mean,
    smooth_localized_percent: s.structuredPercent,
    mean_smoothness: s.mean,
    mean_radius: s.meanRadius,
  };
}
