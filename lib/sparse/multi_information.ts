/**
 * Plug-in (maximum-likelihood) multi-information of discretised codes, as the authors compute it with pyitlib.
 *
 * @module
 */

/** Options of {@link multiInformation}. */
export interface MultiInformationOptions {
  /** Number of linspace(−2, 2, ·) edges: 20 (23 symbols) for the linear experiment, 30 (33) for DNNs. @default 20 */
  nEdges?: number;
}

/**
 * The bin edges of protocol §2.9: linspace(−2, 2, nEdges) ∪ {−1e-50, +1e-50}, sorted, in float64 (1e-50 underflows in
 * float32). The two tiny edges give exact zeros a bin of their own.
 *
 * `np.linspace` computes start + i·step with step = (stop − start)/(n − 1) and sets the last value to stop exactly;
 * this does the same so that the edges are bit-identical.
 *
 * @example
 * ```ts
 * import { multiInformationEdges } from "./multi_information.ts";
 * const edges = multiInformationEdges(20);
 * if (edges.length !== 22 || edges[0] !== -2 || edges[21] !== 2) throw new Error("wrong edges");
 * ```
 */
export function multiInformationEdges(nEdges = 20): Float64Array {
  if (!(Number.isInteger(nEdges) && nEdges >= 2)) {
    throw new RangeError(
      `Cannot build multi-information edges: "nEdges" must be an integer ≥ 2, received ${nEdges}`,
    );
  }
  const step = 4 / (nEdges - 1);
  const edges = [-1e-50, 1e-50];
  for (let i = 0; i < nEdges; i++) edges.push(i === nEdges - 1 ? 2 : -2 + i * step);
  return Float64Array.from(edges).sort();
}

/**
 * `np.digitize(x, edges)` for increasing edges: the index i with edges[i−1] ≤ x < edges[i] (0 below the first edge,
 * edges.length at or above the last). `x` is compared in float64.
 *
 * @example
 * ```ts
 * import { digitize, multiInformationEdges } from "./multi_information.ts";
 * const edges = multiInformationEdges(20);
 * const zeroBin = digitize(0, edges);
 * if (digitize(-0, edges) !== zeroBin || digitize(1e-45, edges) !== zeroBin + 1) throw new Error("zero bin");
 * if (digitize(-5, edges) !== 0 || digitize(2, edges) !== 22) throw new Error("end bins");
 * ```
 */
export function digitize(x: number, edges: Float64Array): number {
  let lo = 0, hi = edges.length; // first index with edges[i] > x
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Plug-in entropy in bits of a table of counts summing to n: H = −Σ (c/n) log₂(c/n). */
function entropyBits(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log2(c / n);
  return h;
}

/**
 * Multi-information (total correlation) in bits with the ML plug-in estimator (protocol §2.9, pyitlib
 * `information_multi`, base 2):
 *
 *   T = Σ_k H(X_k) − H(X_1, …, X_K)
 *
 * where X_k is the symbol of latent k (see {@link digitize}, {@link multiInformationEdges}) and each entropy is
 * computed from the empirical frequencies of the N rows. The joint entropy counts distinct symbol rows, keyed
 * exactly (one UTF-16 code unit per symbol, so no hash collisions). With N rows H(X_1…X_K) ≤ log₂N, so for
 * many latents T ≈ Σ_k H(X_k) − log₂N.
 *
 * @param codes code matrix [N, K], row-major
 * @param shape [N, K]
 *
 * @example
 * ```ts
 * import { multiInformation } from "./multi_information.ts";
 * // two identical fair binary latents (0 and 1 fall in different bins): T = 2·1 − 1 = 1 bit
 * const t = multiInformation(new Float32Array([0, 0, 1, 1]), [2, 2]);
 * if (Math.abs(t - 1) > 1e-12) throw new Error(`expected 1, got ${t}`);
 * ```
 */
export function multiInformation(
  codes: ArrayLike<number>,
  shape: readonly [number, number],
  options: MultiInformationOptions = {},
): number {
  const [n, k] = shape;
  if (codes.length !== n * k) {
    throw new RangeError(
      `Cannot compute multiInformation: ${codes.length} values do not fill shape [${n}, ${k}]`,
    );
  }
  if (n === 0) throw new RangeError("Cannot compute multiInformation: there are no rows");
  const edges = multiInformationEdges(options.nEdges ?? 20);
  const nSymbols = edges.length + 1;
  const marginal = new Float64Array(k * nSymbols); // [K, S]
  const joint = new Map<string, number>();
  const row = new Array<number>(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const s = digitize(codes[i * k + j], edges);
      marginal[j * nSymbols + s]++;
      row[j] = s + 48; // printable code units keep keys readable in a debugger
    }
    const key = String.fromCharCode(...row);
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  let sumMarginals = 0;
  for (let j = 0; j < k; j++) {
    sumMarginals += entropyBits(marginal.subarray(j * nSymbols, (j + 1) * nSymbols), n);
  }
  return sumMarginals - entropyBits(joint.values(), n);
}
