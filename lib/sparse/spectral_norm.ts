/**
 * The squared spectral norm ‖A‖₂² (largest eigenvalue of AᵀA), the Lipschitz constant of the lasso's gradient.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";

/** Options of {@link spectralNormSquared}. */
export interface SpectralNormOptions {
  /** Starting vector [K] (e.g. the previous call's `vector`, to warm-start a slowly changing A). */
  v0?: Float64Array;
  /** Stop when the Rayleigh quotient changes by at most `tol` relative. @default 1e-10 */
  tol?: number;
  /** Iteration cap. @default 5000 */
  maxIter?: number;
}

/** The estimate, the corresponding unit eigenvector of AᵀA [K], and the iterations used. */
export interface SpectralNormResult {
  value: number;
  vector: Float64Array;
  iterations: number;
}

/**
 * ‖A‖₂² = λ_max(AᵀA) by power iteration on the Gram matrix G = AᵀA [K, K] (formed once on the backend, iterated
 * on the host in float64):
 *
 *   v ← G v / ‖G v‖,  ρ = vᵀ G v  (the Rayleigh quotient, which increases to λ_max)
 *
 * The default start is the deterministic vector v_k = 1 + ½·sin(1.7k + 0.3), which is not orthogonal to the
 * top eigenvector of any Gram matrix met in practice; pass `v0` to warm-start.
 *
 * @param a the dictionary A [D, K]
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { spectralNormSquared } from "./spectral_norm.ts";
 * await tf.ready();
 * const a = tf.tensor2d([[3, 0], [0, 1]]);
 * const { value } = spectralNormSquared(a);
 * if (Math.abs(value - 9) > 1e-9) throw new Error(`expected 9, got ${value}`);
 * a.dispose();
 * ```
 */
export function spectralNormSquared(a: tf.Tensor2D, options: SpectralNormOptions = {}): SpectralNormResult {
  const { tol = 1e-10, maxIter = 5000 } = options;
  const k = a.shape[1];
  const gram = tf.tidy(() => tf.matMul(tf.transpose(a), a)); // [K, K]
  const g = Float64Array.from(gram.dataSync());
  gram.dispose();
  let v = new Float64Array(k);
  if (options.v0) {
    if (options.v0.length !== k) {
      throw new RangeError(
        `Cannot compute spectralNormSquared: "v0" must have length ${k}, received ${options.v0.length}`,
      );
    }
    v.set(options.v0);
  } else {
    for (let i = 0; i < k; i++) v[i] = 1 + 0.5 * Math.sin(1.7 * i + 0.3);
  }
  normalise(v);
  let w = new Float64Array(k);
  let rho = 0;
  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    // w = G v; ρ = vᵀ w
    let rhoNew = 0;
    for (let i = 0; i < k; i++) {
      let s = 0;
      const row = i * k;
      for (let j = 0; j < k; j++) s += g[row + j] * v[j];
      w[i] = s;
      rhoNew += v[i] * s;
    }
    if (normalise(w) === 0) return { value: 0, vector: v, iterations };
    [v, w] = [w, v];
    const done = Math.abs(rhoNew - rho) <= tol * Math.abs(rhoNew);
    rho = rhoNew;
    if (done) break;
  }
  return { value: rho, vector: v, iterations };
}

function normalise(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n > 0) { for (let i = 0; i < v.length; i++) v[i] /= n; }
  return n;
}
