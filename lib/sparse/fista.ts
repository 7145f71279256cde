/**
 * FISTA, the fast iterative shrinkage-thresholding algorithm (Beck & Teboulle 2009), for a whole batch at once.
 *
 * The algorithm owns the iteration, the momentum sequence, the step size 1/L and the stopping rule; the problem
 * (e.g. {@link "./lasso.ts"}) supplies the smooth gradient `gradF`, the proximal map `proxG`, the Lipschitz
 * constant of `gradF`, the starting point and the objective's terms.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { hostCompute, onHostBackend } from "../tensor/host.ts";
import { readFloats } from "../tensor/readback.ts";
import { proximalLoops } from "../tensor/heap_kernels.ts";

/** The objective's terms at a point, as named in the iteration statistics. */
export interface ObjectiveTerms {
  /** f(x) + τ·g(x), summed over the batch. */
  objective: number;
  /** The smooth data-fit term f(x), e.g. ½‖Y − X Aᵀ‖²_F. */
  dataFit: number;
  /** The unweighted non-smooth term g(x) = ‖X‖₁ (so objective = dataFit + τ·l1). */
  l1: number;
}

/** A composite problem min_x f(x) + g(x) over a batch of rows x [B, K]. */
export interface ProximalProblem {
  /** Lipschitz constant L of ∇f; FISTA steps by 1/L. */
  readonly lipschitz: number;
  /** A new tensor holding the starting point x₀ [B, K] (FISTA disposes it when done). */
  start(): tf.Tensor2D;
  /** ∇f(z) [B, K]. */
  gradF(z: tf.Tensor2D): tf.Tensor2D;
  /**
   * Optional fused form of the gradient step z − step·∇f(z) [B, K], for problems that can do it in fewer ops
   * (the lasso: one matMul and one add). FISTA calls it with step = 1/lipschitz when present.
   */
  gradientStep?(z: tf.Tensor2D, step: number): tf.Tensor2D;
  /** prox_{step·g}(v) [B, K]. */
  proxG(v: tf.Tensor2D, step: number): tf.Tensor2D;
  /**
   * Optional: the same map on host arrays, `out ← prox_{step·g}(v)`. On the cpu and wasm backends FISTA then
   * does the prox, the momentum step and both norms in one pass over host memory instead of ~10 kernels.
   */
  proxGHost?(v: Float32Array, out: Float32Array, step: number): void;
  /** The objective's terms at x (read back from the backend, hence a promise). */
  terms(x: tf.Tensor2D): Promise<ObjectiveTerms>;
}

/** Options of {@link fista}. */
export interface FistaOptions {
  /** Iteration cap. @default 500 */
  maxIter?: number;
  /** Stop when ‖x − x_old‖_F / ‖x_old‖_F ≤ tol (over the whole batch). @default 1e-3 */
  tol?: number;
}

/** What {@link fista} reports about a solve (evaluated at the returned point). */
export interface FistaStats extends ObjectiveTerms {
  /** Iterations run (1 ≤ iterations ≤ maxIter). */
  iterations: number;
  /** ‖x − x_old‖_F / ‖x_old‖_F at the last iteration (NaN when x_old = 0, as in numpy). */
  relativeChange: number;
}

/** The solution [B, K] (owned by the caller) and the iteration statistics. */
export interface FistaResult {
  x: tf.Tensor2D;
  itstats: FistaStats;
}

/**
 * Run FISTA on `problem` (Beck & Teboulle 2009, Alg. FISTA with constant step; protocol §1.8):
 *
 *   x₀ = problem.start(), z₁ = x₀, t₁ = 1, and for k = 1, 2, …
 *     x_k     = prox_{g/L}( z_k − (1/L)∇f(z_k) )
 *     t_{k+1} = (1 + √(1 + 4t_k²)) / 2
 *     z_{k+1} = x_k + ((t_k − 1)/t_{k+1})·(x_k − x_{k−1})
 *   until k ≥ maxIter or ‖x_k − x_{k−1}‖_F / ‖x_{k−1}‖_F ≤ tol.
 *
 * The norms run over the whole batch, so the batch stops together (the authors' numpy solver). When
 * ‖x_{k−1}‖_F = 0 the ratio is NaN and the run continues, as numpy's 0/0 does; once x = 0 is a fixed point
 * (two zero steps in a row) the remaining iterations cannot change x, so the loop ends early and reports
 * `iterations = maxIter`, the count numpy would reach.
 *
 * @example
 * ```ts
 * import { tf } from "../tensor/tf.ts";
 * import { fista } from "./fista.ts";
 * import { lasso } from "./lasso.ts";
 * await tf.ready();
 * // min_b ½‖y − b‖² + 1·|b| with A = I: the answer is soft(y, 1).
 * const problem = await lasso(tf.tensor2d([[3, -0.5]]), tf.eye(2) as tf.Tensor2D, 1);
 * const { x, itstats } = await fista(problem);
 * if (x.arraySync()[0].join() !== "2,0") throw new Error("wrong solution");
 * if (itstats.l1 !== 2 || itstats.objective !== 0.5 * (1 + 0.25) + 2) throw new Error("wrong stats");
 * x.dispose();
 * problem.dispose();
 * ```
 */
export async function fista(problem: ProximalProblem, options: FistaOptions = {}): Promise<FistaResult> {
  const { maxIter = 500, tol = 1e-3 } = options;
  if (!(maxIter >= 1)) {
    throw new RangeError(`Cannot run fista: "maxIter" must be at least 1, received ${maxIter}`);
  }
  const L = problem.lipschitz;
  if (!(L > 0) || !Number.isFinite(L)) {
    throw new RangeError(
      `Cannot run fista: the Lipschitz constant must be positive and finite, received ${L}`,
    );
  }
  const step = 1 / L;

  let x = problem.start(); // [B, K]
  let z = x.clone(); // [B, K]
  let t = 1;
  let iterations = 0;
  let relativeChange = NaN;
  let zeroSteps = 0; // consecutive iterations with x = x_old = 0
  const onHost = problem.proxGHost !== undefined && onHostBackend();
  while (iterations < maxIter) {
    const xOld = x;
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const momentum = (t - 1) / tNext;
    // proximal gradient step at the extrapolated point z, then the momentum (extrapolation) step
    const [xNew, zNew, diffSq, oldSq] = onHost
      ? hostStep(problem, z, xOld, step, momentum)
      : await deviceStep(problem, z, xOld, step, momentum);
    xOld.dispose();
    z.dispose();
    x = xNew;
    z = zNew;
    t = tNext;
    iterations++;
    relativeChange = Math.sqrt(diffSq) / Math.sqrt(oldSq);
    if (relativeChange <= tol) break;
    // x = x_old = 0 makes z = 0; if the step from z = 0 gives 0 again, every later iterate is 0, and numpy
    // (whose 0/0 ratio never passes the test) would run on to maxIter without changing x.
    zeroSteps = diffSq === 0 && oldSq === 0 ? zeroSteps + 1 : 0;
    if (zeroSteps === 2) iterations = maxIter;
  }
  z.dispose();
  return { x, itstats: { iterations, relativeChange, ...await problem.terms(x) } };
}

/** One FISTA step as backend ops; the two norms of the stopping test are read back (one read per iteration). */
async function deviceStep(
  problem: ProximalProblem,
  z: tf.Tensor2D,
  xOld: tf.Tensor2D,
  step: number,
  momentum: number,
): Promise<[tf.Tensor2D, tf.Tensor2D, number, number]> {
  const [xk, zk, norms] = tf.tidy(() => {
    const xk = problem.proxG(gradientStep(problem, z, step), step); // [B, K]
    const diff = tf.sub(xk, xOld); // [B, K]
    const zk = tf.add(xk, tf.mul(diff, momentum)) as tf.Tensor2D; // [B, K]
    return [xk, zk, tf.stack([tf.sum(tf.square(diff)), tf.sum(tf.square(xOld))])] as const; // norms [2]
  });
  try {
    const [diffSq, oldSq] = await readFloats(norms);
    return [xk, zk, diffSq, oldSq];
  } finally {
    norms.dispose();
  }
}

/** v = z − step·∇f(z) [B, K], fused when the problem offers it. */
function gradientStep(problem: ProximalProblem, z: tf.Tensor2D, step: number): tf.Tensor2D {
  return tf.tidy(() =>
    problem.gradientStep?.(z, step) ?? (tf.sub(z, tf.mul(problem.gradF(z), step)) as tf.Tensor2D)
  );
}

/** One FISTA step with the prox, momentum and norms in one host pass: [x, z, ‖x − x_old‖², ‖x_old‖²]. */
function hostStep(
  problem: ProximalProblem,
  z: tf.Tensor2D,
  xOld: tf.Tensor2D,
  step: number,
  momentum: number,
): [tf.Tensor2D, tf.Tensor2D, number, number] {
  const v = gradientStep(problem, z, step);
  let diffSq = 0, oldSq = 0;
  const [xk, zk] = hostCompute([v, xOld], [v.shape, v.shape], ([vv, xo], [xv, zv]) => {
    problem.proxGHost!(vv, xv, step);
    [diffSq, oldSq] = extrapolateInto(xv, xo, momentum, zv);
  });
  v.dispose();
  return [xk as tf.Tensor2D, zk as tf.Tensor2D, diffSq, oldSq];
}

/**
 * FISTA's extrapolation z ← x + m·(x − x_old), each element in float64 and rounded once to float32, and the
 * squared norms [‖x − x_old‖², ‖x_old‖²] of the stopping test in float64, each summed as four partial sums of the
 * elements i ≡ 0..3 (mod 4) (the n mod 4 leftovers into the first), then (s₀ + s₁) + (s₂ + s₃): independent
 * additions pipeline, one running sum does not. On views of the wasm heap the same arithmetic runs as one SIMD
 * pass (`heap_kernels.wat` `extrapolate`); the two give the same bits.
 */
export function extrapolateInto(
  x: Float32Array,
  xOld: Float32Array,
  m: number,
  z: Float32Array,
): [number, number] {
  const simd = proximalLoops(x, xOld, z);
  if (simd !== null) return simd.extrapolate(x, xOld, z, m);
  const dd = [0, 0, 0, 0], oo = [0, 0, 0, 0];
  const n4 = x.length - (x.length % 4);
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - xOld[i];
    z[i] = x[i] + m * d;
    const lane = i < n4 ? i % 4 : 0;
    dd[lane] += d * d;
    oo[lane] += xOld[i] * xOld[i];
  }
  return [(dd[0] + dd[1]) + (dd[2] + dd[3]), (oo[0] + oo[1]) + (oo[2] + oo[3])];
}
