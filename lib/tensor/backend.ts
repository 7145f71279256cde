/**
 * Activating a tfjs backend: wasm (the default on machines without a hardware GPU, see `pipeline/backend.ts`),
 * webgpu, and cpu for tests.
 *
 * WebGPU is usable because the library reads tensors only asynchronously (`readback.ts`): tfjs-backend-webgpu
 * cannot read synchronously under Deno. Its own backend factory also requests the device with a feature list
 * that Deno's WebIDL rejects on adapters that offer `bgra8unorm-storage` (NVIDIA's Vulkan driver does), so this
 * module creates the device itself and registers the backend on it.
 *
 * @module
 */
import { tf } from "./tf.ts";

/** Backends the pipeline accepts. */
export type BackendName = "wasm" | "webgpu" | "cpu";

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
  if (name === "webgpu") await registerWebgpu();
  if (!(await tf.setBackend(name))) {
    throw new Error(`Cannot use backend "${name}": tfjs could not initialise it`);
  }
  await tf.ready();
}

type Adapter = {
  features: Set<string>;
  limits: Record<string, number>;
  info?: unknown;
  requestDevice(descriptor: unknown): Promise<unknown>;
};

let registered = false;

/** Register "webgpu" on a device this module requests (once per process). */
async function registerWebgpu(): Promise<void> {
  if (registered) return;
  const gpu = (navigator as { gpu?: { requestAdapter(o?: unknown): Promise<Adapter | null> } }).gpu;
  if (!gpu) throw new Error('Cannot use backend "webgpu": this runtime has no navigator.gpu');
  const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
  tf.removeBackend("webgpu"); // the import registered tfjs's own factory
  tf.registerBackend("webgpu", async () => {
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (adapter === null) throw new Error('Cannot use backend "webgpu": no WebGPU adapter');
    const wanted = ["timestamp-query", "bgra8unorm-storage"].filter((f) => adapter.features.has(f));
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures: wanted,
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    });
    // deno-lint-ignore no-explicit-any
    return new WebGPUBackend(device as any, adapter.info as any);
  }, 3);
  registered = true;
}
