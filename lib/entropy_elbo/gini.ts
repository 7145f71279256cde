/**
 * The Gini coefficient as a sparseness measure of codes (Hurley & Rickard 2009; protocol §5.4).
 *
 * @module
 */

/**
 * Mean over rows of the Gini coefficient of |z|: with c the row's absolute values sorted ascending (n of them),
 *
 *   Gini(c) = (n + 1 − 2·Σ_k cumsum(c)_k / Σ_k c_k) / n
 *
 * which is 0 for a constant vector and (n − 1)/n for a vector with one non-zero. An all-zero row gives NaN (0/0), as
 * in the authors' numpy code.
 *
 * @param z codes [M, H], row-major (e.g. M posterior samples of one datum)
 * @param shape [M, H]
 *
 * @example
 * ```ts
 * import { giniSparseness } from "./gini.ts";
 * // one-hot rows: (n − 1)/n = 0.75; constant rows: 0
 * if (giniSparseness(new Float32Array([0, 0, -3, 0]), [1, 4]) !== 0.75) throw new Error("one-hot");
 * if (giniSparseness(new Float32Array([2, -2, 2, 2]), [1, 4]) !== 0) throw new Error("constant");
 * ```
 */
export function giniSparseness(z: ArrayLike<number>, shape: readonly [number, number]): number {
  const [m, n] = shape;
  if (z.length !== m * n || m === 0 || n === 0) {
    throw new RangeError(
      `Cannot compute giniSparseness: ${z.length} values do not fill a non-empty shape [${m}, ${n}]`,
    );
  }
  let total = 0;
  const c = new Float64Array(n);
  for (let r = 0; r < m; r++) {
    for (let k = 0; k < n; k++) c[k] = Math.abs(z[r * n + k]);
    c.sort();
    let cum = 0, sumCum = 0;
    for (let k = 0; k < n; k++) {
      cum += c[k];
      sumCum += cum;
    }
    total += (n + 1 - (2 * sumCum) / cum) / n;
  }
  return total / m;
}
