/**
 * A number for "this dictionary has structure". Dictionaries learned on whitened natural images are localized,
 * oriented edges; an untrained one is white noise (its initialisation) or a random mixture of data patches
 * (what a few dictionary steps with uninformative codes make). Two per-atom measures separate them:
 * smoothness (lag-1 spatial autocorrelation: ≈ 0 for white noise, but also high for mixtures of band-pass
 * whitened patches) and localization (the RMS radius of the atom's energy around its centroid: ≈ 6.5 px for
 * anything spread over a 16×16 patch, noise and patch mixtures alike). An atom is **structured** when it is
 * both smooth (ρ ≥ 0.2) and localized (radius ≤ 4 px); the summary is the percentage of live atoms that are.
 *
 * @module
 */

/** What {@link atomSmoothness} returns. */
export interface AtomSmoothness {
  /** Mean over live atoms of their lag-1 spatial autocorrelation ρ_k (NaN when no atom is live). */
  mean: number;
  /** Atoms with ‖A_k‖₂ > `minNorm` (the others are dead and left out). */
  live: number;
  /** ρ_k per atom (NaN for dead atoms). */
  perAtom: Float64Array;
  /** RMS radius of each atom's energy a²/‖a‖² around its centroid, in pixels (NaN for dead atoms). */
  radius: Float64Array;
  /** Mean radius over live atoms. */
  meanRadius: number;
  /** Percentage of live atoms with ρ ≥ 0.2 and radius ≤ 4 px (0 when none is live). */
  structuredPercent: number;
}

/** Thresholds of a structured atom: smooth and localized (see the module text). */
export const STRUCTURED_ATOM = { minSmoothness: 0.2, maxRadius: 4 };

/**
 * Lag-1 spatial autocorrelation of each atom, seen as a `side`×`side` image a (row-major), centred:
 *
 *   ρ_k = [Σ_{i,j} a_ij a_i,j+1 + Σ_{i,j} a_ij a_i+1,j] / [2·Σ_{i,j} a_ij²] · (n / n_pairs)
 *
 * where the pair sums run over the side·(side − 1) horizontal and as many vertical neighbour pairs and the
 * factor n / n_pairs = side² / (side·(side − 1)) makes ρ = 1 for a constant image. White-noise atoms give ρ ≈ 0
 * (standard deviation ≈ 1/side per atom, so ≈ 1/(side·√K) for the mean over K atoms); smooth, localized
 * edges give ρ well above 0.
 *
 * @param dictionary A [D, K] row-major, D = side²
 * @param shape [D, K]
 *
 * @example
 * ```ts
 * import { atomSmoothness } from "./atom_structure.ts";
 * // one 2×2 atom with a vertical edge [[1, -1], [1, -1]] (centred already): ρ = (−2 + 2)/(2·4)·2 = 0
 * const r = atomSmoothness(new Float32Array([1, -1, 1, -1]), [4, 1]);
 * if (Math.abs(r.mean) > 1e-12 || r.live !== 1) throw new Error(`got ${r.mean}`);
 * ```
 */
export function atomSmoothness(
  dictionary: ArrayLike<number>,
  shape: readonly [number, number],
  options: { minNorm?: number } = {},
): AtomSmoothness {
  const { minNorm = 0.1 } = options;
  const [d, k] = shape;
  const side = Math.round(Math.sqrt(d));
  if (side * side !== d || side < 2 || dictionary.length !== d * k) {
    throw new RangeError(`Cannot measure atom smoothness: [${d}, ${k}] atoms are not square images`);
  }
  const perAtom = new Float64Array(k).fill(NaN);
  const radius = new Float64Array(k).fill(NaN);
  const a = new Float64Array(d);
  let sum = 0;
  let radiusSum = 0;
  let structured = 0;
  let live = 0;
  for (let c = 0; c < k; c++) {
    let mean = 0;
    let norm2 = 0;
    for (let p = 0; p < d; p++) {
      a[p] = dictionary[p * k + c];
      mean += a[p] / d;
      norm2 += a[p] * a[p];
    }
    if (Math.sqrt(norm2) <= minNorm) continue;
    radius[c] = energyRadius(a, side, norm2);
    let energy = 0;
    for (let p = 0; p < d; p++) {
      a[p] -= mean;
      energy += a[p] * a[p];
    }
    let pairs = 0;
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        const v = a[i * side + j];
        if (j + 1 < side) pairs += v * a[i * side + j + 1];
        if (i + 1 < side) pairs += v * a[(i + 1) * side + j];
      }
    }
    const rho = energy > 0 ? (pairs / (2 * energy)) * (side / (side - 1)) : 0;
    perAtom[c] = rho;
    sum += rho;
    radiusSum += radius[c];
    if (rho >= STRUCTURED_ATOM.minSmoothness && radius[c] <= STRUCTURED_ATOM.maxRadius) structured++;
    live++;
  }
  return {
    mean: live > 0 ? sum / live : NaN,
    live,
    perAtom,
    radius,
    meanRadius: live > 0 ? radiusSum / live : NaN,
    structuredPercent: live > 0 ? (100 * structured) / live : 0,
  };
}

/** RMS distance of the energy a²/‖a‖² of a side×side image from its centroid (a not yet centred). */
function energyRadius(a: Float64Array, side: number, norm2: number): number {
  let ci = 0;
  let cj = 0;
  for (let p = 0; p < a.length; p++) {
    const e = (a[p] * a[p]) / norm2;
    ci += e * Math.floor(p / side);
    cj += e * (p % side);
  }
  let r2 = 0;
  for (let p = 0; p < a.length; p++) {
    const e = (a[p] * a[p]) / norm2;
    r2 += e * ((Math.floor(p / side) - ci) ** 2 + ((p % side) - cj) ** 2);
  }
  return Math.sqrt(r2);
}
