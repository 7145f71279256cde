/**
 * Test fixtures shared by this folder's tests (not part of the public surface).
 *
 * Randomised tests in this folder fix their seeds; each test states its tolerance next to the assertion.
 *
 * @module
 */
import type { Rng } from "../tensor/rng.ts";

/** A random dictionary A [D, K] (row-major) with i.i.d. N(0, 1) entries and unit-norm columns (protocol §1.2). */
export function randomUnitDictionary(rng: Rng, d: number, k: number): Float32Array {
  const a = Float64Array.from(rng.normalArray(d * k));
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += a[i * k + j] ** 2;
    const n = Math.sqrt(s);
    for (let i = 0; i < d; i++) a[i * k + j] /= n;
  }
  return Float32Array.from(a);
}

/** Row-major C = A B in float64, A [n, m], B [m, p]. */
export function matMul64(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  m: number,
  p: number,
): Float64Array {
  const c = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < p; j++) c[i * p + j] += aik * b[k * p + j];
    }
  }
  return c;
}

/** Row-major transpose of A [n, m]. */
export function transpose64(a: ArrayLike<number>, n: number, m: number): Float64Array {
  const t = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = a[i * m + j];
  return t;
}

/** Sparse codes [B, K]: `nnz` random atoms per row with magnitudes uniform in [lo, hi] and random signs. */
export function plantedCodes(rng: Rng, b: number, k: number, nnz: number, lo = 1, hi = 2): Float32Array {
  const z = new Float32Array(b * k);
  for (let r = 0; r < b; r++) {
    const support = rng.permutation(k).subarray(0, nnz);
    for (const j of support) z[r * k + j] = (rng.next() < 0.5 ? -1 : 1) * (lo + (hi - lo) * rng.next());
  }
  return z;
}
