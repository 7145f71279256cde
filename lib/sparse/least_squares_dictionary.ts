/**
 * Least-squares estimate of a linear dictionary from codes and targets (protocol §3.5, `vsc_celeba_dict_est.ipynb`), with
 * the Moore–Penrose pseudo-inverse built on {@link symmetricEigen}.
 *
 * @module
 */
import { symmetricEigen } from "./symmetric_eigen.ts";

/** Options of {@link pseudoInverseSymmetric}. */
export interface PseudoInverseOptions {
  /** Singular values ≤ rcond·max singular value are treated as zero (numpy `pinv`'s default). @default 1e-15 */
  rcond?: number;
}

/**
 * Moore–Penrose pseudo-inverse of a symmetric matrix `a` [n, n] (row-major, float64), numpy `pinv` semantics:
 *
 *   a = V diag(λ) Vᵀ,  a⁺ = Σ_{i : |λ_i| > rcond·max|λ|} (1/λ_i) v_i v_iᵀ
 *
 * (the singular values of a symmetric matrix are |λ_i|; numpy keeps s > rcond·max(s)).
 *
 * @example
 * ```ts
 * import { pseudoInverseSymmetric } from "./least_squares_dictionary.ts";
 * // diag(2, 0) → diag(½, 0)
 * const p = pseudoInverseSymmetric(new Float64Array([2, 0, 0, 0]), 2);
 * if (Array.from(p).join() !== "0.5,0,0,0") throw new Error(`got ${p}`);
 * ```
 */
export function pseudoInverseSymmetric(
  a: ArrayLike<number>,
  n: number,
  options: PseudoInverseOptions = {},
): Float64Array {
  const { rcond = 1e-15 } = options;
  const { values, vectors } = symmetricEigen(a, n);
  const v = vectors!;
  let maxAbs = 0;
  for (const l of values) maxAbs = Math.max(maxAbs, Math.abs(l));
  const cutoff = rcond * maxAbs;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    if (!(Math.abs(values[i]) > cutoff)) continue;
    const inv = 1 / values[i];
    const vi = v.subarray(i * n, i * n + n);
    for (let r = 0; r < n; r++) {
      const s = inv * vi[r];
      if (s === 0) continue;
      const row = r * n;
      for (let c = 0; c < n; c++) out[row + c] += s * vi[c];
    }
  }
  return out;
}

/** Options of {@link leastSquaresDictionary}. */
export interface LeastSquaresDictionaryOptions extends PseudoInverseOptions {}

/**
 * The least-squares dictionary of protocol §3.5 (no regulariser):
 *
 *   A = C_sr · pinv(C_rr),  C_sr = YᵀZ / N  [D, K],  C_rr = ZᵀZ / N  [K, K]
 *
 * where row n of Y [N, D] is the target (an image or patch) and row n of Z [N, K] its code. Accumulated in float64;
 * zero code entries are skipped, so sparse codes cost ≈ N·nnz·(D + K).
 *
 * @param y targets Y [N, D], row-major
 * @param z codes Z [N, K], row-major
 * @param shape `{ n, d, k }`
 * @returns A [D, K], row-major float64
 *
 * @example
 * ```ts
 * import { leastSquaresDictionary } from "./least_squares_dictionary.ts";
 * // y = 3·z exactly → A = [[3]]
 * const a = leastSquaresDictionary(new Float32Array([3, -6]), new Float32Array([1, -2]), { n: 2, d: 1, k: 1 });
 * if (Math.abs(a[0] - 3) > 1e-12) throw new Error(`got ${a[0]}`);
 * ```
 */
export function leastSquaresDictionary(
  y: ArrayLike<number>,
  z: ArrayLike<number>,
  shape: { n: number; d: number; k: number },
  options: LeastSquaresDictionaryOptions = {},
): Float64Array {
  const { n, d, k } = shape;
  if (y.length !== n * d || z.length !== n * k || n === 0) {
    throw new RangeError(
      `Cannot compute leastSquaresDictionary: expected y [${n}, ${d}] and z [${n}, ${k}], received ${y.length} and ` +
        `${z.length} values`,
    );
  }
  const csrT = new Float64Array(k * d); // C_srᵀ = ZᵀY / N  [K, D]
  const crr = new Float64Array(k * k); // C_rr = ZᵀZ / N  [K, K]
  const nz = new Int32Array(k);
  for (let s = 0; s < n; s++) {
    let m = 0;
    for (let j = 0; j < k; j++) if (z[s * k + j] !== 0) nz[m++] = j;
    for (let a = 0; a < m; a++) {
      const j = nz[a];
      const zj = z[s * k + j];
      const rowS = j * d;
      for (let p = 0; p < d; p++) csrT[rowS + p] += zj * y[s * d + p];
      const rowR = j * k;
      for (let b = 0; b < m; b++) crr[rowR + nz[b]] += zj * z[s * k + nz[b]];
    }
  }
  for (let i = 0; i < csrT.length; i++) csrT[i] /= n;
  for (let i = 0; i < crr.length; i++) crr[i] /= n;
  const pinv = pseudoInverseSymmetric(crr, k, options); // [K, K], symmetric
  // Aᵀ = pinv(C_rr) C_srᵀ  [K, D], then transpose to A [D, K]
  const a = new Float64Array(d * k);
  const rowT = new Float64Array(d);
  for (let i = 0; i < k; i++) {
    rowT.fill(0);
    for (let j = 0; j < k; j++) {
      const pij = pinv[i * k + j];
      if (pij === 0) continue;
      const src = j * d;
      for (let p = 0; p < d; p++) rowT[p] += pij * csrT[src + p];
    }
    for (let p = 0; p < d; p++) a[p * k + i] = rowT[p];
  }
  return a;
}
