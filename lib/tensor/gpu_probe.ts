/**
 * What this runtime offers the webgpu backend: a hardware adapter, and synchronous reads. No tfjs import, so the
 * pipeline engine can ask while planning.
 *
 * Synchronous reads: tfjs-backend-webgpu 4.22 implements `dataSync` by drawing the GPU buffer into
 * `OffscreenCanvas` contexts and reading the pixels back through a 2-D context. Deno 2.9 has `OffscreenCanvas`
 * but no 2-D context (`getContext("2d")` is null), so there `dataSync` fails — asynchronously, as an uncaught
 * rejection that ends the process. The training code reads values synchronously (the loss each step, FISTA's
 * stopping test), so webgpu is only usable where {@linkcode webgpuCanReadSync} is true.
 *
 * @module
 */

/**
 * Whether `navigator.gpu` offers a hardware (non-fallback) adapter; a probe that takes over 3 s counts as none
 * (some drivers hang).
 */
export async function hasHardwareGpu(): Promise<boolean> {
  type Adapter = { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } } | null;
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<Adapter> } }).gpu;
  if (!gpu) return false;
  const timeout = new Promise<null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 3000);
    Deno.unrefTimer(timer);
  });
  try {
    const adapter = await Promise.race([gpu.requestAdapter(), timeout]);
    return adapter !== null && !(adapter.isFallbackAdapter ?? adapter.info?.isFallbackAdapter ?? false);
  } catch {
    return false;
  }
}

/**
 * True when an `OffscreenCanvas` 2-D context exists, which tfjs-backend-webgpu's `dataSync` needs.
 *
 * @example
 * ```ts
 * import { webgpuCanReadSync } from "./gpu_probe.ts";
 * if (typeof webgpuCanReadSync() !== "boolean") throw new Error("a yes or no");
 * ```
 */
export function webgpuCanReadSync(): boolean {
  try {
    return typeof OffscreenCanvas === "function" && new OffscreenCanvas(1, 1).getContext("2d") !== null;
  } catch {
    return false;
  }
}
