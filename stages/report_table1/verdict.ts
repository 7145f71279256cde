/**
 * The verdict of one Table-1 cell: ours against the paper's value and spread.
 *
 * @module
 */
import type { Summary } from "./summary.ts";

/** What a cell is compared with. */
export interface Reference {
  /** The paper's mean (of 3 runs). */
  mean: number;
  /** The paper's standard deviation over runs (Appendix F), when it gives one. */
  sd?: number;
}

/** A verdict: its mark, and the relative difference where there is one. */
export interface Verdict {
  mark: "✓" | "≈" | "✗" | "not trained" | "not comparable" | "–";
  /** (ours − paper) / |paper|. */
  relative?: number;
}

/** The rule, as printed under the table. */
export const VERDICT_RULE =
  "Verdict: ✓ when |ours − paper| ≤ 3σ, σ the paper's standard deviation over its 3 runs (Appendix F; " +
  "given for J = 20 and FISTA, so a method's J = 20 σ is used for its J = 1 row); ≈ when not ✓ but within " +
  "10% of the paper's value; ✗ otherwise; the relative difference beside it. A row with a run whose " +
  'reconstruction is not clearly better than the all-zero code is "not trained" and gets no verdict.';

/**
 * Judge one cell.
 *
 * @example
 * ```ts
 * import { judge } from "./verdict.ts";
 * const ours = { mean: 200, sd: null, n: 1, missing: 0 };
 * if (judge(ours, { mean: 198, sd: 1.66 }, { trained: true, comparable: true }).mark !== "✓") throw new Error();
 * if (judge(ours, { mean: 190, sd: 1.66 }, { trained: true, comparable: true }).mark !== "≈") throw new Error();
 * if (judge(ours, { mean: 198, sd: 1.66 }, { trained: false, comparable: true }).mark !== "not trained") throw new Error();
 * ```
 */
export function judge(
  ours: Summary,
  paper: Reference | undefined,
  context: { trained: boolean; comparable: boolean },
): Verdict {
  if (!paper || ours.mean === null) return { mark: "–" };
  if (!context.comparable) return { mark: "not comparable" };
  if (!context.trained) return { mark: "not trained" };
  const diff = ours.mean - paper.mean;
  const relative = diff / Math.abs(paper.mean);
  if (paper.sd !== undefined && Math.abs(diff) <= 3 * paper.sd) return { mark: "✓", relative };
  return { mark: Math.abs(relative) <= 0.1 ? "≈" : "✗", relative };
}

/** "✓ +1%", "✗ −35%", "not trained". */
export function verdictText(v: Verdict): string {
  if (v.relative === undefined) return v.mark;
  const pct = Math.round(100 * v.relative);
  return `${v.mark} ${pct >= 0 ? "+" : "−"}${Math.abs(pct)}%`;
}
