/**
 * Floating-point work of a step, counted from the products it actually runs: every matrix product
 * (`BatchMatMul`, `_FusedMatMul`; the conv layers of `lib/vsc/conv` are products too) costs 2·m·n·k. With the
 * fast kernels (OpenBLAS or the built-in wasm-simd sgemm) every product is an sgemm call — including those that ops such as `dense_stack.ts` make
 * without a kernel — so there the sgemm calls are counted; otherwise the product kernels of a `tf.profile`. Elementwise
 * kernels, reductions and host loops are not counted (they are memory-bound and ≪ 1% of the products' flops in
 * the linear steps), so GFLOP/s = counted flops / wall time is a lower bound on the rate the machine sustained.
 *
 * @module
 */
import { tf } from "../lib/tensor/tf.ts";
import { fastBlas } from "../lib/tensor/kernels.ts";

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

/** The product flops of one call of `step` (it runs once, counted as the module doc says). */
export async function productFlops(step: () => void | Promise<void>): Promise<number> {
  const blas = fastBlas();
  if (blas !== null) {
    const sgemm = blas.sgemm;
    let flops = 0;
    blas.sgemm = (...args: Parameters<typeof sgemm>) => {
      const [, , m, n, k] = args;
      flops += 2 * m * n * k;
      sgemm(...args);
    };
    try {
      await step();
    } finally {
      blas.sgemm = sgemm;
    }
    return flops;
  }
  const info = await tf.profile(step);
  return info.kernels.reduce(
    (sum, k) => sum + productKernelFlops(k.name, k.inputShapes as number[][], k.outputShapes as number[][]),
    0,
  );
}
