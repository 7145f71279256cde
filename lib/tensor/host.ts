/**
 * Element loops on the host over tensor memory, without copies where the backend allows it.
 *
 * Why: on the wasm backend `dataSync` copies a tensor out of the wasm heap into a fresh `Float32Array`, and
 * `tf.tensor(values)` copies one in. For the large per-sample tensors of a training step ([B·J, K] floats) those
 * fresh multi-megabyte arrays cost more than the loops themselves (allocation, zeroing and the garbage
 * collections they trigger). On wasm, {@linkcode hostCompute} hands the loop views of the heap itself: the inputs'
 * memory and output tensors allocated by the backend. On other backends it falls back to `dataSync` and
 * `tf.tensor`, with the same results.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { heapView, tensorFromInfo, wasmBackend } from "./wasm_heap.ts";

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/**
 * Whether the active backend keeps tensors in host memory (cpu, wasm), where a {@linkcode hostCompute} loop beats
 * a chain of kernels; on a GPU backend it would be a round trip to the device and back, so callers keep ops there.
 */
export function onHostBackend(): boolean {
  const name = tf.getBackend();
  return name === "cpu" || name === "wasm";
}

/**
 * Run `fn` on float32 views of `inputs` and of new float32 tensors with `outputShapes`, and return those
 * tensors (zero-filled before `fn` on every backend). `fn` must only read its inputs and must not create or
 * dispose tensors: on wasm its arrays are views of the heap, which a new allocation may move.
 *
 * @example
 * ```ts
 * import { useBackend } from "./backend.ts";
 * import { tf } from "./tf.ts";
 * import { hostCompute } from "./host.ts";
 * await useBackend("cpu");
 * const x = tf.tensor1d([1, 2, 3]);
 * const [y] = hostCompute([x], [[3]], ([xv], [yv]) => {
 *   for (let i = 0; i < xv.length; i++) yv[i] = 2 * xv[i];
 * });
 * if (y.dataSync().join() !== "2,4,6") throw new Error("doubled");
 * ```
 */
export function hostCompute(
  inputs: readonly tf.Tensor[],
  outputShapes: readonly (readonly number[])[],
  fn: (ins: Float32Array[], outs: Float32Array[]) => void,
): tf.Tensor[] {
  for (const [i, t] of inputs.entries()) {
    if (t.dtype !== "float32") {
      throw new TypeError(`Cannot run hostCompute: input ${i} must be float32, received ${t.dtype}`);
    }
  }
  if (!onHostBackend()) {
    throw new Error(
      `Cannot run hostCompute on backend "${tf.getBackend()}": its loops need the tensors in host memory`,
    );
  }
  if (tf.getBackend() !== "wasm") {
    // cpu: its tensors live in host memory, so these reads are copies, never a device round trip.
    const outs = outputShapes.map((s) => new Float32Array(size(s)));
    fn(inputs.map((t) => t.dataSync() as Float32Array), outs);
    return outs.map((v, i) => tf.tensor(v, [...outputShapes[i]], "float32"));
  }
  const backend = wasmBackend();
  // Allocate every output first: an allocation may grow the heap and detach views taken before it.
  const infos = outputShapes.map((s) => backend.makeOutput([...s], "float32"));
  const outs = infos.map((info) => heapView(backend, info).fill(0));
  fn(inputs.map((t) => heapView(backend, t)), outs);
  return infos.map(tensorFromInfo);
}
