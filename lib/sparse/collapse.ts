/**
 * Posterior collapse and feature collapse percentages (Lucas et al. 2019's (ε, δ)-collapse; protocol §2.11).
 *
 * @module
 */

/** Options of {@link collapsePercent}. */
export interface CollapseOptions {
  /** A value ≤ eps counts as collapsed for that datum (ε). @default 1e-2 */
  eps?: number;
  /** A latent is collapsed when at least this fraction of data is collapsed (1 − δ). @default 0.95 */
  fraction?: number;
}

/**
 * Percentage of latents k for which the fraction of data i with values[i, k] ≤ eps is ≥ fraction:
 *
 *   collapse% = 100·#{k : (1/N)·#{i : v_ik ≤ ε} ≥ 1 − δ} / K
 *
 * @param values non-negative statistics [N, K], row-major (per-latent KL, or |code|)
 * @param shape [N, K]
 *
 * @example
 * ```ts
 * import { collapsePercent } from "./collapse.ts";
 * // latent 0 is always below 1e-2, latent 1 never is: 50 %
 * const p = collapsePercent(new Float64Array([0, 1, 0.005, 2]), [2, 2]);
 * if (p !== 50) throw new Error(`got ${p}`);
 * ```
 */
export function collapsePercent(
  values: ArrayLike<number>,
  shape: readonly [number, number],
  options: CollapseOptions = {},
): number {
  const { eps = 1e-2, fraction = 0.95 } = options;
  const [n, k] = shape;
  if (values.length !== n * k || n === 0 || k === 0) {
    throw new RangeError(
      `Cannot compute collapse: ${values.length} values do not fill a non-empty shape [${n}, ${k}]`,
    );
  }
  const below = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) if (values[i * k + j] <= eps) below[j]++;
  let collapsed = 0;
  for (let j = 0; j < k; j++) if (below[j] / n >= fraction) collapsed++;
  return (100 * collapsed) / k;
}

/**
 * Posterior collapse %: latent k is collapsed if KL(q(z_k | x_i) ‖ p(z_k)) ≤ eps for at least `fraction` of the data
 * (protocol §2.11; KL unweighted by β, averaged over samples, including 0.1·KL_Gamma).
 *
 * @param kl per-latent KL [N, K], row-major
 *
 * @example
 * ```ts
 * import { posteriorCollapsePercent } from "./collapse.ts";
 * if (posteriorCollapsePercent(new Float64Array([0, 0.5]), [1, 2]) !== 50) throw new Error("wrong");
 * ```
 */
export function posteriorCollapsePercent(
  kl: ArrayLike<number>,
  shape: readonly [number, number],
  options: CollapseOptions = {},
): number {
  return collapsePercent(kl, shape, options);
}

/**
 * Feature collapse %: latent k is collapsed if |b̂_ik| ≤ eps for at least `fraction` of the data (protocol §2.11; b̂ is
 * the selected, thresholded code).
 *
 * @param codes codes [N, K], row-major
 *
 * @example
 * ```ts
 * import { featureCollapsePercent } from "./collapse.ts";
 * if (featureCollapsePercent(new Float32Array([-0.001, -3]), [1, 2]) !== 50) throw new Error("wrong");
 * ```
 */
export function featureCollapsePercent(
  codes: ArrayLike<number>,
  shape: readonly [number, number],
  options: CollapseOptions = {},
): number {
  return collapsePercent(Float64Array.from(codes as ArrayLike<number>, Math.abs), shape, options);
}
