/**
 * The default compute backend. The engine only passes the name on (`ctx.backend`); stages act on it.
 *
 * @module
 */
import { gpuAdapterDescription } from "../lib/tensor/gpu_probe.ts";
import { openBlas } from "../lib/tensor/blas/mod.ts";

/** What `--backend auto` (the default) chose, and why. */
export interface BackendChoice {
  backend: "webgpu" | "wasm";
  /** The adapter, or why there is none that counts. */
  reason: string;
}

/**
 * "webgpu" when `navigator.gpu` offers a hardware adapter (a software fallback such as llvmpipe does not count:
 * it is slower than wasm), else "wasm".
 */
export async function detectBackend(): Promise<BackendChoice> {
  const adapter = await gpuAdapterDescription();
  return adapter.hardware
    ? { backend: "webgpu", reason: `hardware adapter ${adapter.description}` }
    : { backend: "wasm", reason: adapter.description };
}

/**
 * What computes a backend's matrix products on this machine, as far as it decides their bits: on wasm, the
 * OpenBLAS build and kernel family (`openblas_get_config`; Haswell and Cooperlake kernels round differently),
 * the built-in wasm-simd sgemm's version, or (no FFI permission) the stock products; on webgpu, the adapter. Part of the cache key of every kind that uses a backend, so a
 * machine whose products round otherwise does not take another's entries for its own. The thread count is not
 * in it: products give the same bits on any (`lib/tensor/blas/row_split.ts`).
 *
 * @example
 * ```ts
 * import { productKernels } from "./backend.ts";
 * if (await productKernels("cpu") !== "tfjs cpu") throw new Error("the cpu backend computes its own products");
 * ```
 */
export async function productKernels(backend: string): Promise<string> {
  if (backend === "wasm") return openBlas()?.config ?? "tfjs-wasm products (no FFI permission)";
  if (backend === "webgpu") return (await gpuAdapterDescription()).description;
  return `tfjs ${backend}`;
}
