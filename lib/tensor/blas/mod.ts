/**
 * Which product the fast kernels run: OpenBLAS when it opens, else the built-in WebAssembly SIMD product.
 *
 * @module
 */
import { type Blas, blasThreads, readEnv } from "./blas.ts";
import { type OpenBlasOptions, openOpenBlas } from "./openblas.ts";
import { openWasmBlas } from "./wasm_sgemm.ts";

export type { Blas } from "./blas.ts";

/**
 * OpenBLAS (unless absent or `VSC_BLAS=off`), else the built-in product; `null` only when FFI is not permitted.
 *
 * @example
 * ```ts
 * import { openBlas } from "./mod.ts";
 * const blas = openBlas({ env: { VSC_BLAS: "off" } });
 * if (blas !== null && blas.core !== "wasm-simd") throw new Error("VSC_BLAS=off must leave the built-in product");
 * ```
 */
export function openBlas(options: OpenBlasOptions = {}): Blas | null {
  return openOpenBlas(options) ?? openWasmBlas(blasThreads(options.env ?? readEnv(), options.threads));
}
