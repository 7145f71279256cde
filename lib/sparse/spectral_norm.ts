/**
 * The squared spectral norm ‖A‖₂² (largest eigenvalue of AᵀA), the Lipschitz constant of the lasso's gradient.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { readFloats } from "../tensor/readback.ts";
import { hostCompute, onHostBackend } from "../tensor/host.ts";
import { dotF64, type F64Loops, f64Loops } from "../tensor/heap_kernels.ts";

/** Options of {@link spectralNormSquared}. */
export interface SpectralNormOptions {
  /** Starting vector [K] (e.g. the previous call's `vector`, to warm-start a slowly changing A). */
  v0?: Float64Array;
  /** Stop when the residual ‖G v − θ v‖ of the estimate θ and its vector v is at most `tol`·θ. @default 1e-10 */
  tol?: number;
  /** Iteration cap (Lanczos steps); K steps always suffice. @default K */
  maxIter?: number;
  /** G = AᵀA [K, K] as `tf.matMul(tf.transpose(a), a)` gives it, when the caller has it (e.g. the lasso). */
  gram?: tf.Tensor2D;
}

/** The estimate, the corresponding unit eigenvector of AᵀA [K], and the iterations used. */
export interface SpectralNormResult {
  value: number;
  vector: Float64Array;
  iterations: number;
}

/**
 * ‖A‖₂² = λ_max(AᵀA) by the Lanczos method on the Gram matrix G = AᵀA [K, K] (formed once on the backend,
 * iterated on the host in float64), with full reorthogonalisation: after j steps the largest eigenvalue θ of
 * the j×j tridiagonal T_j (Sturm bisection) and its vector s (inverse iteration) give the Ritz pair
 * (θ, v = Q_j s), whose residual is ‖G v − θ v‖ = β_j·|s_j|.
 *
 * Why not the power iteration: its rate is λ₂/λ₁, and the top of the spectrum of a random dictionary is
 * crowded (Marchenko–Pastur edge): 5,000 iterations did not reach 1e-10 for a 256×256 unit-norm Gaussian A,
 * where Lanczos needs a few dozen steps.
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
 * const { value } = await spectralNormSquared(a);
 * if (Math.abs(value - 9) > 1e-9) throw new Error(`expected 9, got ${value}`);
 * a.dispose();
 * ```
 */
export async function spectralNormSquared(
  a: tf.Tensor2D,
  options: SpectralNormOptions = {},
): Promise<SpectralNormResult> {
  const k = a.shape[1];
  const { tol = 1e-10, maxIter = k } = options;
  if (options.gram && (options.gram.shape[0] !== k || options.gram.shape[1] !== k)) {
    throw new RangeError(
      `Cannot compute spectralNormSquared: "gram" must be [${k}, ${k}], received [${options.gram.shape}]`,
    );
  }
  const steps = Math.min(maxIter, k);
  const gram = options.gram ?? tf.tidy(() => tf.matMul(tf.transpose(a), a)); // [K, K]
  // G, the Lanczos basis (row j: q_j), q and w live in a WebAssembly memory of this module's, where the
  // matrix–vector product and the reorthogonalisation run as SIMD loops with the arithmetic of plain JavaScript
  // loops; every slot is written before it is read, and no await comes between taking it and the result, so one
  // memory serves every call.
  try {
    // on the cpu and wasm backends, G comes straight from the tensor's memory (a read would copy 4·K² bytes)
    const read = onHostBackend() ? undefined : await readFloats(gram);
    const { memory, loops } = workspace(8 * (k * k + steps * k + 2 * k));
    const [gAt, basisAt, qAt, wAt] = [0, 8 * k * k, 8 * (k * k + steps * k), 8 * (k * k + steps * k + k)];
    const g = new Float64Array(memory.buffer, gAt, k * k);
    if (read) g.set(read);
    else hostCompute([gram], [], ([values]) => g.set(values));
    return lanczos(loops, memory, [gAt, basisAt, qAt, wAt], k, steps, tol, options.v0);
  } finally {
    if (gram !== options.gram) gram.dispose();
  }
}

/** The Lanczos iteration on the Gram matrix G in `memory` (at gAt; the basis, q and w at the other offsets). */
function lanczos(
  loops: F64Loops,
  memory: WebAssembly.Memory,
  [gAt, basisAt, qAt, wAt]: number[],
  k: number,
  steps: number,
  tol: number,
  v0: Float64Array | undefined,
): SpectralNormResult {
  const basis = new Float64Array(memory.buffer, basisAt, steps * k);
  const q = new Float64Array(memory.buffer, qAt, k), w = new Float64Array(memory.buffer, wAt, k);
  if (v0) {
    if (v0.length !== k) {
      throw new RangeError(
        `Cannot compute spectralNormSquared: "v0" must have length ${k}, received ${v0.length}`,
      );
    }
    q.set(v0);
  } else {
    for (let i = 0; i < k; i++) q[i] = 1 + 0.5 * Math.sin(1.7 * i + 0.3);
  }
  if (normalise(q) === 0) {
    throw new RangeError(`Cannot compute spectralNormSquared: "v0" must not be zero`);
  }
  const alpha = new Float64Array(steps), beta = new Float64Array(steps);
  let theta = 0, ritz: Float64Array = new Float64Array(1).fill(1), iterations = 0;
  for (let j = 0; j < steps; j++) {
    basis.set(q, j * k);
    // w = G q_j − α_j q_j − β_{j−1} q_{j−1}, then orthogonalised twice against every q_i (full reorthogonalisation)
    loops.matvec_f64(gAt, qAt, wAt, k);
    alpha[j] = loops.dot_f64(qAt, wAt, k);
    loops.reorthogonalise_f64(basisAt, j + 1, wAt, k);
    beta[j] = Math.sqrt(loops.dot_f64(wAt, wAt, k));
    iterations = j + 1;
    [theta, ritz] = topEigenpair(alpha.subarray(0, j + 1), beta.subarray(0, j));
    if (theta <= 0) return { value: 0, vector: basis.slice(0, k), iterations }; // G = 0
    if (beta[j] * Math.abs(ritz[j]) <= tol * theta || beta[j] <= 1e-14 * theta) break;
    for (let r = 0; r < k; r++) q[r] = w[r] / beta[j];
  }
  const vector = new Float64Array(k);
  for (let i = 0; i < iterations; i++) {
    for (let r = 0; r < k; r++) vector[r] += ritz[i] * basis[i * k + r];
  }
  normalise(vector);
  return { value: theta, vector, iterations };
}

let shared: { memory: WebAssembly.Memory; loops: F64Loops } | undefined;

/** The module's Lanczos memory, grown to at least `bytes`, and the loops bound to it (one instance per process). */
function workspace(bytes: number): { memory: WebAssembly.Memory; loops: F64Loops } {
  if (shared === undefined) {
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    shared = { memory, loops: f64Loops(memory) };
  }
  const missing = Math.ceil((bytes - shared.memory.buffer.byteLength) / 65536);
  if (missing > 0) shared.memory.grow(missing);
  return shared;
}

function normalise(v: Float64Array): number {
  const n = Math.sqrt(dotF64(v, v));
  if (n > 0) { for (let i = 0; i < v.length; i++) v[i] /= n; }
  return n;
}

/**
 * The largest eigenvalue of the symmetric tridiagonal matrix with diagonal `d` and off-diagonal `e` (Sturm
 * bisection to full precision) and its unit eigenvector (two steps of inverse iteration).
 */
function topEigenpair(d: Float64Array, e: Float64Array): [number, Float64Array] {
  const n = d.length;
  // Gershgorin bounds
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const radius = (i > 0 ? Math.abs(e[i - 1]) : 0) + (i < n - 1 ? Math.abs(e[i]) : 0);
    lo = Math.min(lo, d[i] - radius);
    hi = Math.max(hi, d[i] + radius);
  }
  // count(x) = number of eigenvalues below x (signs of the LDLᵀ pivots of T − xI)
  const count = (x: number) => {
    let c = 0, pivot = 1;
    for (let i = 0; i < n; i++) {
      pivot = d[i] - x - (i > 0 ? (e[i - 1] * e[i - 1]) / pivot : 0);
      if (pivot === 0) pivot = -Number.EPSILON * (Math.abs(x) + 1);
      if (pivot < 0) c++;
    }
    return c;
  };
  for (let it = 0; it < 200 && hi - lo > 2 * Number.EPSILON * Math.max(Math.abs(lo), Math.abs(hi)); it++) {
    const mid = (lo + hi) / 2;
    if (count(mid) === n) hi = mid;
    else lo = mid;
  }
  const theta = hi;
  // inverse iteration: solve (T − θ' I) x = b by the Thomas algorithm, θ' just above θ so that it is not singular
  const shift = theta + Math.max(Math.abs(theta), 1) * 1e-13;
  let x: Float64Array = new Float64Array(n).fill(1);
  const c = new Float64Array(n), y = new Float64Array(n);
  for (let step = 0; step < 2; step++) {
    let pivot = d[0] - shift || Number.EPSILON;
    y[0] = x[0] / pivot;
    for (let i = 1; i < n; i++) {
      c[i - 1] = e[i - 1] / pivot;
      pivot = d[i] - shift - e[i - 1] * c[i - 1];
      if (pivot === 0) pivot = Number.EPSILON;
      y[i] = (x[i] - e[i - 1] * y[i - 1]) / pivot;
    }
    for (let i = n - 2; i >= 0; i--) y[i] -= c[i] * y[i + 1];
    x = y.slice();
    normalise(x);
  }
  return [theta, x];
}
