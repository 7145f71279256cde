/**
 * Seed aggregation: mean, sample standard deviation and count of one metric over the runs of a group.
 *
 * @module
 */

/** Mean ± sd over n runs; null values (a diverged run) count in `missing`, undefined ones (not applicable) nowhere. */
export interface Summary {
  mean: number | null;
  sd: number | null;
  n: number;
  missing: number;
}

/**
 * Summarise numbers over seeds (sd with n − 1; null when n < 2).
 *
 * @example
 * ```ts
 * import { summarise } from "./summary.ts";
 * const s = summarise([1, 3, null, undefined]);
 * if (s.mean !== 2 || Math.abs(s.sd! - Math.SQRT2) > 1e-12 || s.n !== 2 || s.missing !== 1) throw new Error("wrong");
 * ```
 */
export function summarise(values: (number | null | undefined)[]): Summary {
  const applicable = values.filter((v) => v !== undefined);
  const xs = applicable.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const missing = applicable.length - xs.length;
  if (xs.length === 0) return { mean: null, sd: null, n: 0, missing };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
  return { mean, sd, n: xs.length, missing };
}

/** Scientific notation as the paper prints it: 1.94E+02. */
export function sci(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "NaN";
  const [m, e] = x.toExponential(digits).split("e");
  const exp = Number(e);
  return `${m}E${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}
