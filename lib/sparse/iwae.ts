/**
 * Two ways to summarise J per-sample losses L_ij per datum: the authors' "iwae" quantity and the true
 * importance-weighted bound.
 *
 * @module
 */

function checkShape(name: string, losses: ArrayLike<number>, shape: readonly [number, number]): void {
  const [n, j] = shape;
  if (losses.length !== n * j || n === 0 || j === 0) {
    throw new RangeError(
      `Cannot compute ${name}: ${losses.length} losses do not fill a non-empty shape [${n}, ${j}]`,
    );
  }
}

/**
 * The authors' "iwae" loss (protocol §2.7, 2.10): a self-normalised, softmax-weighted average of the per-sample losses,
 *
 *   loss = (1/N) Σ_i Σ_j w_ij L_ij,  w_ij = softmax_j(−L_ij) = exp(−L_ij) / Σ_j' exp(−L_ij')
 *
 * where L_ij is datum i's loss for sample j (pixel-mean MSE + β·ΣKL). This is *not* the IWAE bound (see
 * {@link iwaeBound}); it is what the repo's `sample_method = "iwae"` computes.
 *
 * @param losses per-sample losses L [N, J], row-major
 * @param shape [N, J]
 *
 * @example
 * ```ts
 * import { softmaxWeightedLoss } from "./iwae.ts";
 * // one datum, losses 0 and ln 3: weights ∝ (1, 1/3) = (¾, ¼), so loss = ¼·ln 3
 * const v = softmaxWeightedLoss(new Float64Array([0, Math.log(3)]), [1, 2]);
 * if (Math.abs(v - Math.log(3) / 4) > 1e-15) throw new Error(`got ${v}`);
 * ```
 */
export function softmaxWeightedLoss(losses: ArrayLike<number>, shape: readonly [number, number]): number {
  checkShape("softmaxWeightedLoss", losses, shape);
  const [n, j] = shape;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let min = Infinity;
    for (let s = 0; s < j; s++) min = Math.min(min, losses[i * j + s]);
    // exp(−(L − min)) ≤ 1 keeps the weights finite
    let z = 0, weighted = 0;
    for (let s = 0; s < j; s++) {
      const l = losses[i * j + s];
      const e = Math.exp(-(l - min));
      z += e;
      weighted += e * l;
    }
    total += weighted / z;
  }
  return total / n;
}

/**
 * The importance-weighted (IWAE) bound as a loss, from per-sample negative log-weights L_ij = −log w_ij
 * (Burda et al. 2016, eq. 8; protocol §2.10):
 *
 *   loss = −(1/N) Σ_i log( (1/J) Σ_j exp(−L_ij) ) = (1/N) Σ_i [ log J − logsumexp_j(−L_ij) ]
 *
 * computed with the max-shifted log-sum-exp so that large losses do not underflow.
 *
 * @param losses negative log-weights L [N, J], row-major
 * @param shape [N, J]
 *
 * @example
 * ```ts
 * import { iwaeBound } from "./iwae.ts";
 * // losses 0 and ln 3: −log((1 + 1/3)/2) = log(3/2)
 * const v = iwaeBound(new Float64Array([0, Math.log(3)]), [1, 2]);
 * if (Math.abs(v - Math.log(1.5)) > 1e-15) throw new Error(`got ${v}`);
 * ```
 */
export function iwaeBound(losses: ArrayLike<number>, shape: readonly [number, number]): number {
  checkShape("iwaeBound", losses, shape);
  const [n, j] = shape;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let min = Infinity;
    for (let s = 0; s < j; s++) min = Math.min(min, losses[i * j + s]);
    let sum = 0;
    for (let s = 0; s < j; s++) sum += Math.exp(-(losses[i * j + s] - min));
    total += Math.log(j) + min - Math.log(sum); // = log J − logsumexp_j(−L_ij)
  }
  return total / n;
}
