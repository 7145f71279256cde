/**
 * Activating a tfjs backend: wasm (the default, see `pipeline/backend.ts`), webgpu where it can run (see
 * `gpu_probe.ts`), cpu for tests.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { webgpuCanReadSync } from "./gpu_probe.ts";

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
  if (name === "webgpu" && !webgpuCanReadSync()) {
    throw new Error(
      'Cannot use backend "webgpu": tfjs-backend-webgpu 4.22 cannot read tensors synchronously here (it copies ' +
        "through an OffscreenCanvas 2-D context, which this runtime lacks) and the training loops read values " +
        "synchronously; use --backend wasm",
    );
  }
  if (name === "webgpu") await import("@tensorflow/tfjs-backend-webgpu");
  if (!(await tf.setBackend(name))) {
    throw new Error(`Cannot use backend "${name}": tfjs could not initialise it`);
  }
  await tf.ready();
}
