/**
 * Choosing the tfjs backend at run time: webgpu where a hardware adapter exists, else wasm; cpu for tests.
 *
 * @module
 */
import { tf } from "./tf.ts";

/** Backends the pipeline accepts. */
export type BackendName = "wasm" | "webgpu" | "cpu";

/** Whether `navigator.gpu` offers a hardware (non-fallback) adapter. */
export async function hasHardwareGpu(): Promise<boolean> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return false;
  try {
    const adapter = await gpu.requestAdapter() as {
      isFallbackAdapter?: boolean;
      info?: { isFallbackAdapter?: boolean };
    } | null;
    return adapter !== null && !(adapter.isFallbackAdapter ?? adapter.info?.isFallbackAdapter ?? false);
  } catch {
    return false;
  }
}

/** The backend used when the user names none: webgpu with a hardware GPU, otherwise wasm. */
export async function defaultBackend(): Promise<BackendName> {
  return (await hasHardwareGpu()) ? "webgpu" : "wasm";
}

/**
 * Activate a tfjs backend and wait until it is ready.
 *
 * @example
 * ```ts
 * import { useBackend } from "./backend.ts";
 * import { tf } from "./tf.ts";
 * await useBackend("cpu");
 * if (tf.getBackend() !== "cpu") throw new Error("backend not set");
 * ```
 */
export async function useBackend(name: BackendName): Promise<void> {
  if (name === "webgpu") await import("@tensorflow/tfjs-backend-webgpu");
  if (!(await tf.setBackend(name))) {
    throw new Error(`Cannot use backend "${name}": tfjs could not initialise it`);
  }
  await tf.ready();
}
