/**
 * How oriented a dictionary's atoms are: the coherence of each atom's structure tensor. Dictionaries learned on
 * natural images are made of oriented edges and gratings; white noise (an untrained dictionary) and random
 * mixtures of whitened patches have no preferred orientation. Complements `atom_structure.ts` (smoothness and
 * localization), which counts an elongated edge spanning the patch as not localized.
 *
 * For an atom a seen as a side×side image, with g = (∂x a, ∂y a) the gradient of each 2×2 cell of pixels (the
 * mean of its two horizontal and of its two vertical differences), the structure tensor S = Σ g gᵀ has
 * eigenvalues λ₁ ≥ λ₂ ≥ 0 and
 *
 *   coherence = (λ₁ − λ₂)/(λ₁ + λ₂) = √((Sxx − Syy)² + 4·Sxy²) / (Sxx + Syy)  ∈ [0, 1],
 *
 * 1 for a pattern that varies along one direction only (an edge, a grating), ≈ 0 for isotropic patterns. For
 * white noise on 16×16 atoms it is ≈ 0.07 on average and below 0.3 in practice (`atom_orientation_test.ts`
 * measures both random baselines); an atom counts as **oriented** at coherence ≥ 0.5.
 *
 * @module
 */

/** Coherence at or above which an atom counts as oriented (see the module text). */
export const ORIENTED_COHERENCE = 0.5;

/** What {@link atomOrientation} returns. */
export interface AtomOrientation {
  /** Coherence per atom (NaN for dead atoms). */
  coherence: Float64Array;
  /** Mean coherence over live atoms (NaN when none is live). */
  mean: number;
  /** Atoms with ‖A_k‖₂ > `minNorm`. */
  live: number;
  /** Percentage of live atoms with coherence ≥ {@link ORIENTED_COHERENCE} (0 when none is live). */
  orientedPercent: number;
}

/**
 * Structure-tensor coherence of every atom of a dictionary A [D, K] (row-major, D = side²).
 *
 * @example
 * ```ts
 * import { atomOrientation } from "./atom_orientation.ts";
 * // A vertical grating on 4×4 (varies along x only): coherence 1.
 * const a = new Float32Array(16).map((_, p) => Math.cos(Math.PI * (p % 4) / 2));
 * const r = atomOrientation(a, [16, 1]);
 * if (Math.abs(r.coherence[0] - 1) > 1e-9 || r.orientedPercent !== 100) throw new Error(`got ${r.coherence[0]}`);
 * ```
 */
export function atomOrientation(
  dictionary: ArrayLike<number>,
  shape: readonly [number, number],
  options: { minNorm?: number } = {},
): AtomOrientation {
  const { minNorm = 0.1 } = options;
  const [d, k] = shape;
  const side = Math.round(Math.sqrt(d));
  if (side * side !== d || side < 2 || dictionary.length !== d * k) {
    throw new RangeError(`Cannot measure atom orientation: [${d}, ${k}] atoms are not square images`);
  }
  const coherence = new Float64Array(k).fill(NaN);
  let live = 0, sum = 0, oriented = 0;
  for (let c = 0; c < k; c++) {
    let norm2 = 0;
    for (let p = 0; p < d; p++) norm2 += dictionary[p * k + c] ** 2;
    if (Math.sqrt(norm2) <= minNorm) continue;
    const at = (i: number, j: number) => dictionary[(i * side + j) * k + c];
    let sxx = 0, syy = 0, sxy = 0;
    for (let i = 0; i + 1 < side; i++) {
      for (let j = 0; j + 1 < side; j++) {
        // The gradient of the 2×2 cell: both components use all four pixels, so that for white noise they are
        // uncorrelated (forward differences sharing a pixel would make noise look diagonal).
        const [p00, p01, p10, p11] = [at(i, j), at(i, j + 1), at(i + 1, j), at(i + 1, j + 1)];
        const gx = (p01 + p11 - p00 - p10) / 2;
        const gy = (p10 + p11 - p00 - p01) / 2;
        sxx += gx * gx;
        syy += gy * gy;
        sxy += gx * gy;
      }
    }
    const trace = sxx + syy;
    const value = trace > 0 ? Math.sqrt((sxx - syy) ** 2 + 4 * sxy * sxy) / trace : 0;
    coherence[c] = value;
    sum += value;
    live++;
    if (value >= ORIENTED_COHERENCE) oriented++;
  }
  return {
    coherence,
    mean: live > 0 ? sum / live : NaN,
    live,
    orientedPercent: live > 0 ? (100 * oriented) / live : 0,
  };
}
