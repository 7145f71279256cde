/**
 * Floating-point work of a step, counted from the products it actually runs: every matrix product
 * (`BatchMatMul`, `_FusedMatMul`; the conv layers of `lib/vsc/conv` are products too) costs 2·m·n·k. With the
 * fast kernels (OpenBLAS or the built-in wasm-simd sgemm) every product is an sgemm call — including those that ops such as `dense_stack.ts` make
 * without a kernel — so there the sgemm calls are counted; otherwise the product kernels of a `tf.profile`. Elementwise
 * kernels, reductions and host loops are not counted (they are memory-bound and ≪ 1% of the products' flops in
 * the linear steps), so GFLOP/s = counted flops / wall time is a lower bound on the rate the machine sustained.
 * The same sgemm calls are timed two ways: replayed alone on operands of their own ({@link timeProducts}), and
 * in place, call by call inside the step ({@link timeProductsInPlace}).
 *
 * @module
 */
import { tf } from "../lib/tensor/tf.ts";
import { fastBlas } from "../lib/tensor/kernels.ts";
import { heapOffset, wasmBackend } from "../lib/tensor/wasm_heap.ts";
import { msStats, type Step, timeCallsInPlace, withReplaced } from "./_harness.ts";

const PRODUCTS = new Set(["BatchMatMul", "_FusedMatMul"]);
const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/**
 * 2·m·n·k of one product kernel from its shapes: the output is [..., m, n], and `a` holds m·k per batch; a and
 * its transpose give the same count, so the transpose flags (absent from a profile) are not needed.
 * 0 for kernels that are not products.
 *
 * @example
 * ```ts
 * import { productKernelFlops } from "./flops.ts";
 * // a [100, 256] times bᵀ with b [512, 256]: m = 100, n = 512, k = 256
 * if (productKernelFlops("BatchMatMul", [[100, 256], [512, 256]], [[100, 512]]) !== 2 * 100 * 512 * 256) {
 *   throw new Error("2·m·n·k");
 * }
 * ```
 */
export function productKernelFlops(
  name: string,
  inputShapes: readonly (readonly number[])[],
  outputShapes: readonly (readonly number[])[],
): number {
  if (!PRODUCTS.has(name)) return 0;
  const a = inputShapes[0], out = outputShapes[0];
  const m = out[out.length - 2];
  const k = size(a.slice(-2)) / m;
  return 2 * size(out) * k;
}

/** One sgemm call of a step: its geometry (`Sgemm`'s arguments less the pointers and alpha). */
export interface ProductCall {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  lda: number;
  ldb: number;
  ldc: number;
  beta: number;
}

/** The product flops of one call of `step` (it runs once, counted as the module doc says). */
export async function productFlops(step: Step): Promise<number> {
  const calls = await productCalls(step);
  if (calls !== null) return callFlops(calls);
  const info = await tf.profile(async () => void await step());
  return info.kernels.reduce(
    (sum, k) => sum + productKernelFlops(k.name, k.inputShapes as number[][], k.outputShapes as number[][]),
    0,
  );
}

/** 2·m·n·k summed over `calls`. */
const callFlops = (calls: ProductCall[]) => calls.reduce((sum, c) => sum + 2 * c.m * c.n * c.k, 0);

/**
 * The sgemm calls one call of `step` makes (it runs once), in order; `null` unless the fast kernels (OpenBLAS or
 * the built-in sgemm) are active, where every product of a step is such a call.
 */
export async function productCalls(step: Step): Promise<ProductCall[] | null> {
  const blas = fastBlas();
  if (blas === null) return null;
  const calls: ProductCall[] = [];
  await withReplaced(blas, "sgemm", (sgemm) => (...args) => {
    const [transA, transB, m, n, k, , , lda, , ldb, beta, , ldc] = args;
    calls.push({ transA, transB, m, n, k, lda, ldb, ldc, beta });
    sgemm(...args);
  }, step);
  return calls;
}

/**
 * The time a step's products take inside the step: `iterations` calls of `step` with each sgemm call timed (its
 * wall time on the calling thread, helper threads' blocks included), summed per step; median and 10th percentile
 * over the steps, in ms; `null` unless the fast kernels are active. Unlike {@link timeProducts}'s replay, the
 * operands come as the step leaves them — the activations just written by the ops before, the weights as the
 * optimizer's pass over every parameter left them — so this is what the products cost where they run, and the
 * step's time less this is everything else (bench run 2026-12-04 12:50: Gaussian J = 1 4.3 ms in place against
 * 3.8 replayed; FISTA's 500 iterations, whose ~1,000 calls reuse one dictionary, the other way round: 27.9
 * against 31.8).
 */
export async function timeProductsInPlace(
  step: Step,
  iterations: number,
): Promise<{ medianMs: number; p10Ms: number } | null> {
  const blas = fastBlas();
  return blas === null ? null : await timeCallsInPlace(step, iterations, blas, "sgemm");
}

/**
 * The time of a step's products alone: `calls` run back to back through the active sgemm (the step's thread
 * count and row cut), each on operands of its own on the wasm heap that nothing else touches, after one untimed
 * pass; median and 10th percentile over `iterations` passes, in ms: the products on warm operands of their own
 * (the train steps' products run slower in place, after the optimizer's pass over every parameter; a FISTA
 * solve's, which reuse one dictionary, faster: {@link timeProductsInPlace}).
 */
export function timeProducts(calls: ProductCall[], iterations: number): { medianMs: number; p10Ms: number } {
  const blas = fastBlas();
  if (blas === null) throw new TypeError("Cannot time products: the fast kernels are not active");
  // Stored operands: op(A) is m×k, so A is (transA ? k : m) rows of lda floats; B likewise; C is m rows of ldc.
  const operands = calls.map((c) =>
    [
      (c.transA ? c.k : c.m) * c.lda,
      (c.transB ? c.n : c.k) * c.ldb,
      c.m * c.ldc,
    ].map((floats) => tf.randomNormal([floats], 0, 1, "float32", 1))
  );
  try {
    // Pointers once every operand is allocated (an allocation may grow the heap and move its buffer).
    const backend = wasmBackend();
    const base = Deno.UnsafePointer.of(backend.wasm.HEAPU8 as Uint8Array<ArrayBuffer>)!;
    const pointers = operands.map((ts) =>
      ts.map((t) => Deno.UnsafePointer.offset(base, heapOffset(backend, t)))
    );
    const pass = () => {
      calls.forEach((c, i) => {
        const [a, b, out] = pointers[i];
        blas.sgemm(c.transA, c.transB, c.m, c.n, c.k, 1, a, c.lda, b, c.ldb, c.beta, out, c.ldc);
      });
    };
    pass();
    const ms: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      pass();
      ms.push(performance.now() - t0);
    }
    return msStats(ms);
  } finally {
    tf.dispose(operands.flat());
  }
}

/**
 * The product flops of one call of `step` ({@link productFlops}) and, when the fast kernels are active,
 * {@link timeProducts} of the products that call made (unless `replay` is false) and
 * {@link timeProductsInPlace} over `iterations` more steps, as a timing's extras (`productsMs`, `productsP10Ms`,
 * `productsInPlaceMs`, `productsInPlaceP10Ms`; `{}` otherwise): one run of the step serves the count and the
 * replay.
 */
export async function productProfile(
  step: Step,
  iterations: number,
  { replay = true }: {
    /** Whether to replay the calls; a replay allocates every call's operands again beside the step's. */
    replay?: boolean;
  } = {},
): Promise<{ flops: number; extra: Record<string, number> }> {
  const calls = await productCalls(step);
  if (calls === null) return { flops: await productFlops(step), extra: {} };
  const extra: Record<string, number> = {};
  if (replay) {
    const { medianMs, p10Ms } = timeProducts(calls, iterations);
    Object.assign(extra, { productsMs: medianMs, productsP10Ms: p10Ms });
  }
  const inPlace = (await timeProductsInPlace(step, iterations))!;
  Object.assign(extra, { productsInPlaceMs: inPlace.medianMs, productsInPlaceP10Ms: inPlace.p10Ms });
  return { flops: callFlops(calls), extra };
}
