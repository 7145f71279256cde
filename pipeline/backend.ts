/**
 * The default compute backend. The engine only passes the name on (`ctx.backend`); stages act on it.
 *
 * @module
 */
import { hasHardwareGpu, webgpuCanReadSync } from "../lib/tensor/gpu_probe.ts";

/**
 * "webgpu" when `navigator.gpu` offers a hardware adapter and tfjs-backend-webgpu can read tensors back
 * synchronously here (see `webgpuCanReadSync`: not under Deno 2.9, so on a GPU machine the default is wasm),
 * else "wasm".
 */
export async function detectBackend(): Promise<string> {
  return webgpuCanReadSync() && await hasHardwareGpu() ? "webgpu" : "wasm";
}
