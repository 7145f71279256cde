/**
 * Eigendecomposition of a real symmetric matrix in float64: Householder tridiagonalisation followed by the
 * implicit QL algorithm (EISPACK `tred2`/`tql2`, in the form of the public-domain JAMA library).
 *
 * The one eigensolver of the project: the pseudo-inverse of the least-squares dictionary and the Fréchet distance
 * both use it. Storage is column-contiguous (element (r, c) at c·n + r), so every inner loop of both phases runs
 * over contiguous memory; this matters for n = 2048.
 *
 * Measured on the shared 2-core development machine under load (indicative): n = 256 values-only ≈ 50 ms, with
 * vectors ≈ 180 ms; n = 512 ≈ 80 ms / 0.9 s; n = 1024 ≈ 1.6 s / 10 s; n = 2048 values-only ≈ 6.3 s (with vectors,
 * extrapolated, over a minute: the QL rotations dominate, so callers at that size ask for values only).
 *
 * @module
 */

/** Options of {@link symmetricEigen}. */
export interface SymmetricEigenOptions {
  /** Also compute the eigenvectors. @default true */
  vectors?: boolean;
}

/** Eigenvalues in ascending order and, when asked for, the matching unit eigenvectors. */
export interface SymmetricEigenResult {
  /** λ₁ ≤ … ≤ λ_n. */
  values: Float64Array;
  /**
   * The eigenvectors as the rows of an [n, n] row-major matrix: row i (`vectors.subarray(i·n, (i+1)·n)`) is the
   * eigenvector of `values[i]`. This is Vᵀ in numpy's `eigh` convention (a = V diag(λ) Vᵀ).
   */
  vectors?: Float64Array;
}

/**
 * Eigenvalues (ascending) and eigenvectors of the symmetric matrix `a` [n, n] (row-major; only its symmetric part
 * is meaningful: the lower triangle is read).
 *
 * @example
 * ```ts
 * import { symmetricEigen } from "./symmetric_eigen.ts";
 * // [[2, 1], [1, 2]] has eigenvalues 1 and 3 with eigenvectors (1, −1)/√2 and (1, 1)/√2
 * const { values, vectors } = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2);
 * if (Math.abs(values[0] - 1) > 1e-12 || Math.abs(values[1] - 3) > 1e-12) throw new Error("wrong values");
 * if (Math.abs(Math.abs(vectors![2]) - Math.SQRT1_2) > 1e-12) throw new Error("wrong vectors");
 * ```
 */
export function symmetricEigen(
  a: ArrayLike<number>,
  n: number,
  options: SymmetricEigenOptions = {},
): SymmetricEigenResult {
  const wantVectors = options.vectors ?? true;
  if (a.length !== n * n) {
    throw new RangeError(
      `Cannot compute symmetricEigen: ${a.length} values do not fill an [${n}, ${n}] matrix`,
    );
  }
  // v(r, c) = v[c*n + r]; for a symmetric input the column-contiguous copy is the row-major one transposed,
  // i.e. the lower triangle read row-wise.
  const v = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c <= r; c++) {
      const x = a[r * n + c];
      if (!Number.isFinite(x)) {
        throw new RangeError(`Cannot compute symmetricEigen: entry (${r}, ${c}) is ${x}`);
      }
      v[c * n + r] = x;
      v[r * n + c] = x;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: wantVectors ? v : undefined };
  tred2(v, d, e, n, wantVectors);
  tql2(v, d, e, n, wantVectors);
  return sortAscending(v, d, n, wantVectors);
}

/** Householder reduction to tridiagonal form (diagonal in d, sub-diagonal in e[1..n−1]). */
function tred2(v: Float64Array, d: Float64Array, e: Float64Array, n: number, wantVectors: boolean): void {
  for (let j = 0; j < n; j++) d[j] = v[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    // scale to avoid under/overflow
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[j * n + i - 1];
        v[j * n + i] = 0;
        v[i * n + j] = 0;
      }
    } else {
      // generate the Householder vector
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // apply the similarity transformation to the remaining columns
      for (let j = 0; j < i; j++) {
        const col = j * n;
        f = d[j];
        v[i * n + j] = f;
        g = e[j] + v[col + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = v[col + k];
          g += vkj * d[k];
          e[k] += vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const col = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[col + k] -= f * e[k] + g * d[k];
        d[j] = v[col + i - 1];
        v[col + i] = 0;
      }
    }
    d[i] = h;
  }
  if (!wantVectors) {
    // The reduced diagonal sits on v's diagonal (tred2 saves it there before accumulating the transformations).
    for (let j = 0; j < n; j++) d[j] = v[j * n + j];
    e[0] = 0;
    return;
  }
  // accumulate the transformations
  for (let i = 0; i < n - 1; i++) {
    v[i * n + n - 1] = v[i * n + i];
    v[i * n + i] = 1;
    const h = d[i + 1];
    const next = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[next + k] / h;
      for (let j = 0; j <= i; j++) {
        const col = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[next + k] * v[col + k];
        for (let k = 0; k <= i; k++) v[col + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[next + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[j * n + n - 1];
    v[j * n + n - 1] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

function hypot(a: number, b: number): number {
  const x = Math.abs(a), y = Math.abs(b);
  if (x > y) return x * Math.sqrt(1 + (y / x) * (y / x));
  if (y === 0) return 0;
  return y * Math.sqrt(1 + (x / y) * (x / y));
}

/** Symmetric tridiagonal QL with implicit shifts; eigenvalues land in d, rotations are applied to v. */
function tql2(v: Float64Array, d: Float64Array, e: Float64Array, n: number, wantVectors: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    // find a small sub-diagonal element
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    // if m == l, d[l] is an eigenvalue; otherwise iterate
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) {
          throw new RangeError(`Cannot compute symmetricEigen: QL did not converge for eigenvalue ${l}`);
        }
        // implicit shift
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // implicit QL transformation
        p = d[m];
        let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (wantVectors) {
            // accumulate the rotation on columns i and i + 1
            const ci = i * n, cj = (i + 1) * n;
            for (let k = 0; k < n; k++) {
              const t = v[cj + k];
              v[cj + k] = s * v[ci + k] + c * t;
              v[ci + k] = c * v[ci + k] - s * t;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

function sortAscending(
  v: Float64Array,
  d: Float64Array,
  n: number,
  wantVectors: boolean,
): SymmetricEigenResult {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i] - d[j]);
  const values = Float64Array.from(order, (i) => d[i]);
  if (!wantVectors) return { values };
  // column c of V is contiguous at v[c*n ..], so it becomes row c of the returned Vᵀ as is
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => vectors.set(v.subarray(src * n, src * n + n), dst * n));
  return { values, vectors };
}
