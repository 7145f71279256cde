/**
 * The default compute backend. The engine only passes the name on (`ctx.backend`); stages act on it.
 *
 * @module
 */
import { gpuAdapterDescription } from "../lib/tensor/gpu_probe.ts";

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
