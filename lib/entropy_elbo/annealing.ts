/**
 * Entropy annealing schedules of Velychko et al.'s code (protocol §5.2): only the prior-entropy scale s_prior is annealed.
 *
 * @module
 */

/**
 * The prior-entropy scale s_prior for an epoch (0-based):
 *
 * 1. "em" (the 10-epoch EM scripts): s_prior = max(1, 2·(5 − epoch)), i.e. 10, 8, 6, 4, 2, then 1.
 * 2. "amortised" (defined, but commented out, in the Adam script): s_prior = max(1, 2 − 0.1·epoch).
 *
 * @example
 * ```ts
 * import { priorEntropyScale } from "./annealing.ts";
 * const em = [0, 1, 2, 3, 4, 5, 9].map((e) => priorEntropyScale(e, "em"));
 * if (em.join() !== "10,8,6,4,2,1,1") throw new Error(`got ${em}`);
 * ```
 */
export function priorEntropyScale(epoch: number, variant: "em" | "amortised"): number {
  if (variant === "em") return Math.max(1, 2 * (5 - epoch));
  return Math.max(1, 2 - 0.1 * epoch);
}
