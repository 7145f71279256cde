/**
 * The one-sided two-sample Kolmogorov–Smirnov test (Fig. 5 compares the Jaccard scores of averaged and
 * max-ELBO sampling with it, protocol §2.13).
 *
 * @module
 */

/** Statistic and p-value of {@link ksTestGreater}. */
export interface KsResult {
  /** D⁺ = sup_x (F_a(x) − F_b(x)). */
  statistic: number;
  /** Asymptotic p-value exp(−2·D⁺²·n·m/(n + m)) (Smirnov's limit; within 1% of the exact value for n, m ≳ 1,000). */
  pValue: number;
  n: number;
  m: number;
}

/**
 * One-sided two-sample KS test of H₀: F_a ≤ F_b everywhere against H₁: F_a(x) > F_b(x) somewhere (scipy's
 * `ks_2samp(a, b, alternative="greater")`): a small p says `a` tends to take smaller values than `b`.
 *
 * @example
 * ```ts
 * import { ksTestGreater } from "./ks_test.ts";
 * const r = ksTestGreater([1, 2, 3, 4], [3, 4, 5, 6]);
 * if (r.statistic !== 0.5) throw new Error(`got ${r.statistic}`);
 * ```
 */
export function ksTestGreater(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const x = Float64Array.from(a).filter((v) => !Number.isNaN(v)).sort();
  const y = Float64Array.from(b).filter((v) => !Number.isNaN(v)).sort();
  const [n, m] = [x.length, y.length];
  if (n === 0 || m === 0) throw new RangeError(`Cannot run a KS test on an empty sample (sizes ${n}, ${m})`);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i], y[j]);
    while (i < n && x[i] === v) i++;
    while (j < m && y[j] === v) j++;
    d = Math.max(d, i / n - j / m);
  }
  return { statistic: d, pValue: Math.min(1, Math.exp((-2 * d * d * n * m) / (n + m))), n, m };
}
