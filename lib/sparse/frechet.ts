/**
 * Fréchet distance between two Gaussians fitted to feature sets (the FID formula of Heusel et al. 2017), in float64,
 * with the covariance taken over *features* (the authors' notebook computes a sample-space covariance by mistake,
 * protocol §3.4 and 4.11; this module implements the standard definition).
 *
 * Cost for F = 2048, N = 5000 per set (shared 2-core development machine under load, indicative): each covariance
 * 6–25 s, the distance itself (pivoted Cholesky, Lᵀ Σ₂ L, eigenvalues only) 25–30 s; about a minute in all.
 *
 * @module
 */
import { symmetricEigen } from "./symmetric_eigen.ts";

/** Mean [F] and covariance [F, F] (row-major) of a feature set. */
export interface GaussianStatistics {
  mean: Float64Array;
  cov: Float64Array;
  /** Feature dimension F. */
  dim: number;
}

/**
 * Sample mean and unbiased covariance over features (`np.cov(features, rowvar=False)`):
 *
 *   μ = (1/N) Σ_n x_n,  Σ = (1/(N − 1)) Σ_n (x_n − μ)(x_n − μ)ᵀ
 *
 * @param features feature matrix [N, F], row-major
 * @param shape [N, F]
 *
 * @example
 * ```ts
 * import { gaussianStatistics } from "./frechet.ts";
 * const { mean, cov } = gaussianStatistics(new Float32Array([0, 1, 2, 3]), [2, 2]);
 * if (mean.join() !== "1,2" || cov.join() !== "2,2,2,2") throw new Error(`got ${mean} ${cov}`);
 * ```
 */
export function gaussianStatistics(
  features: ArrayLike<number>,
  shape: readonly [number, number],
): GaussianStatistics {
  const [n, f] = shape;
  if (features.length !== n * f || n < 2) {
    throw new RangeError(
      `Cannot compute gaussianStatistics: expected at least 2 rows filling [${n}, ${f}], received ${features.length} values`,
    );
  }
  const mean = new Float64Array(f);
  for (let s = 0; s < n; s++) for (let j = 0; j < f; j++) mean[j] += features[s * f + j];
  for (let j = 0; j < f; j++) mean[j] /= n;
  // centred, feature-major copy Xcᵀ [F, N]: every covariance entry is then a contiguous dot product
  const xt = new Float64Array(f * n);
  for (let s = 0; s < n; s++) for (let j = 0; j < f; j++) xt[j * n + s] = features[s * f + j] - mean[j];
  const cov = new Float64Array(f * f);
  const scale = 1 / (n - 1);
  for (let r = 0; r < f; r++) {
    const xr = xt.subarray(r * n, r * n + n);
    let c = 0;
    for (; c + 3 <= r; c += 4) { // four dot products per pass over x_r
      const o0 = c * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let s = 0; s < n; s++) {
        const v = xr[s];
        s0 += v * xt[o0 + s];
        s1 += v * xt[o1 + s];
        s2 += v * xt[o2 + s];
        s3 += v * xt[o3 + s];
      }
      cov[r * f + c] = s0 * scale;
      cov[r * f + c + 1] = s1 * scale;
      cov[r * f + c + 2] = s2 * scale;
      cov[r * f + c + 3] = s3 * scale;
    }
    for (; c <= r; c++) {
      const o = c * n;
      let s0 = 0;
      for (let s = 0; s < n; s++) s0 += xr[s] * xt[o + s];
      cov[r * f + c] = s0 * scale;
    }
    for (let c2 = 0; c2 < r; c2++) cov[c2 * f + r] = cov[r * f + c2];
  }
  return { mean, cov, dim: f };
}

/**
 * Pivoted Cholesky of a symmetric positive semi-definite a [n, n] (row-major), as LAPACK `pstrf`:
 * P a Pᵀ = L Lᵀ with L lower-triangular [n, n] and the permutation `perm` (row i of L belongs to variable perm[i]).
 * The factorisation stops once every remaining pivot is ≤ n·2⁻⁵²·max(diag a), leaving the last columns zero; with
 * pivoting a small pivot implies a small column, so rank-deficient covariances (fewer samples than features,
 * constant features) are handled stably.
 */
function pivotedCholesky(a: Float64Array, n: number): { l: Float64Array; perm: Int32Array } {
  const l = new Float64Array(n * n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const d = new Float64Array(n); // diagonal of the remaining Schur complement
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    d[i] = a[i * n + i];
    maxDiag = Math.max(maxDiag, d[i]);
  }
  const tol = n * 2 ** -52 * maxDiag;
  for (let j = 0; j < n; j++) {
    let p = j;
    for (let i = j + 1; i < n; i++) if (d[i] > d[p]) p = i;
    if (!(d[p] > tol)) break; // the rest is numerically zero
    if (p !== j) {
      [perm[j], perm[p]] = [perm[p], perm[j]];
      [d[j], d[p]] = [d[p], d[j]];
      for (let k = 0; k < j; k++) [l[j * n + k], l[p * n + k]] = [l[p * n + k], l[j * n + k]];
    }
    const ljj = Math.sqrt(d[j]);
    const rj = j * n, pj = perm[j];
    l[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[perm[i] * n + pj];
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      const lij = s / ljj;
      l[ri + j] = lij;
      d[i] -= lij * lij;
    }
  }
  return { l, perm };
}

/**
 * Fréchet distance between N(μ₁, Σ₁) and N(μ₂, Σ₂) (Dowson & Landau 1982; Heusel et al. 2017, eq. 6):
 *
 *   d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½
 *
 * The last trace is Σ_i √λ_i over the eigenvalues of Σ₁^½ Σ₂ Σ₁^½, which are those of Lᵀ (P Σ₂ Pᵀ) L with
 * P Σ₁ Pᵀ = L Lᵀ a pivoted Cholesky factorisation (all are similar to Σ₁Σ₂ up to zero eigenvalues), so one
 * factorisation and one values-only {@link symmetricEigen} replace the matrix square roots. Round-off negative
 * eigenvalues are clipped to 0.
 *
 * @example
 * ```ts
 * import { frechetDistance } from "./frechet.ts";
 * // diagonal covariances: d² = ‖μ₁ − μ₂‖² + Σ(√a − √b)² = 1 + (2 − 1)² + (1 − 3)² = 6
 * const d = frechetDistance(
 *   { mean: new Float64Array([1, 0]), cov: new Float64Array([4, 0, 0, 1]), dim: 2 },
 *   { mean: new Float64Array([0, 0]), cov: new Float64Array([1, 0, 0, 9]), dim: 2 },
 * );
 * if (Math.abs(d - 6) > 1e-12) throw new Error(`got ${d}`);
 * ```
 */
export function frechetDistance(s1: GaussianStatistics, s2: GaussianStatistics): number {
  const f = s1.dim;
  if (
    s2.dim !== f || s1.mean.length !== f || s2.mean.length !== f || s1.cov.length !== f * f ||
    s2.cov.length !== f * f
  ) {
    throw new RangeError(
      `Cannot compute frechetDistance: statistics of dimension ${s1.dim} and ${s2.dim} do not match`,
    );
  }
  let t1 = 0, trace1 = 0, trace2 = 0;
  for (let i = 0; i < f; i++) {
    t1 += (s1.mean[i] - s2.mean[i]) ** 2;
    trace1 += s1.cov[i * f + i];
    trace2 += s2.cov[i * f + i];
  }
  const { l, perm } = pivotedCholesky(s1.cov, f); // P Σ₁ Pᵀ = L Lᵀ
  // T = (P Σ₂ Pᵀ) L  [F, F]  (L lower-triangular: only k ≥ c contributes)
  const t = new Float64Array(f * f);
  for (let r = 0; r < f; r++) {
    const tr = r * f, pr = perm[r] * f;
    for (let k = 0; k < f; k++) {
      const s = s2.cov[pr + perm[k]];
      if (s === 0) continue;
      const lk = k * f;
      for (let c = 0; c <= k; c++) t[tr + c] += s * l[lk + c];
    }
  }
  // M = Lᵀ T, lower triangle only (M is symmetric; symmetricEigen reads the lower triangle)
  const m = new Float64Array(f * f);
  for (let k = 0; k < f; k++) {
    const lk = k * f, tk = k * f;
    for (let i = 0; i <= k; i++) {
      const lki = l[lk + i];
      if (lki === 0) continue;
      const mi = i * f;
      for (let j = 0; j <= i; j++) m[mi + j] += lki * t[tk + j];
    }
  }
  for (let i = 0; i < f; i++) for (let j = 0; j < i; j++) m[j * f + i] = m[i * f + j];
  const { values } = symmetricEigen(m, f, { vectors: false });
  let traceSqrt = 0;
  for (const v of values) traceSqrt += Math.sqrt(Math.max(v, 0));
  return t1 + trace1 + trace2 - 2 * traceSqrt;
}

/**
 * Fréchet distance between the Gaussians fitted to two feature sets (see {@link gaussianStatistics}).
 *
 * @example
 * ```ts
 * import { frechetDistanceFromFeatures } from "./frechet.ts";
 * const x = new Float32Array([0, 1, 2, 5, 3, 3]);
 * const d = frechetDistanceFromFeatures(x, [3, 2], x, [3, 2]);
 * if (Math.abs(d) > 1e-9) throw new Error(`identical sets must give 0, got ${d}`);
 * ```
 */
export function frechetDistanceFromFeatures(
  f1: ArrayLike<number>,
  shape1: readonly [number, number],
  f2: ArrayLike<number>,
  shape2: readonly [number, number],
): number {
  return frechetDistance(gaussianStatistics(f1, shape1), gaussianStatistics(f2, shape2));
}
