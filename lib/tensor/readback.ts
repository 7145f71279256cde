/**
 * Reading tensors back to the host: the one way library code gets values out of a tensor.
 *
 * Why asynchronous: tfjs-backend-webgpu cannot read synchronously under Deno (its `dataSync` copies through an
 * `OffscreenCanvas` 2-D context, which Deno lacks), and a synchronous read would stall the GPU anyway. On wasm and
 * cpu the promise settles at once. Training loops read what they report (loss, non-zero fraction) once per
 * epoch, not per step, so a GPU is not stalled each step (each read costs ≥ 10 ms under Deno's WebGPU).
 *
 * The rule these functions serve: outside `*_test.ts` files and host-only code (`host.ts`' cpu branch), nothing in
 * `lib/` or `stages/` calls `dataSync` or `arraySync` (`readback_test.ts` checks it).
 *
 * @module
 */
import { tf } from "./tf.ts";

/**
 * The values of a float32 tensor, as a new `Float32Array`.
 *
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * import { readFloats } from "./readback.ts";
 * await tf.ready();
 * if ((await readFloats(tf.tensor1d([1, 2]))).join() !== "1,2") throw new Error("read");
 * ```
 */
export async function readFloats(t: tf.Tensor): Promise<Float32Array> {
  if (t.dtype !== "float32") {
    throw new TypeError(`Cannot read floats: the tensor is ${t.dtype}, not float32`);
  }
  return (await t.data()) as Float32Array;
}

/**
 * The values of several scalars, with one read (one GPU round trip for all of them).
 *
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * import { readScalars } from "./readback.ts";
 * await tf.ready();
 * const [a, b] = await readScalars([tf.scalar(1), tf.scalar(2)]);
 * if (a !== 1 || b !== 2) throw new Error("read");
 * ```
 */
export async function readScalars(scalars: readonly tf.Tensor[]): Promise<number[]> {
  if (scalars.length === 0) return [];
  const stacked = tf.tidy(() => tf.stack(scalars.map((s) => tf.reshape(tf.cast(s, "float32"), []))));
  try {
    return Array.from(await readFloats(stacked));
  } finally {
    stacked.dispose();
  }
}
