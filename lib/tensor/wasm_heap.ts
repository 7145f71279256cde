/**
 * The internals of tfjs-backend-wasm 4.22 that this project's own kernels use, typed once: the heap (its byte
 * and float views, its memory), where a tensor lives in it, raw outputs and tensors made from them.
 *
 * Why not tfjs's public API: a kernel that works in place on the heap (OpenBLAS through FFI, the SIMD loops of
 * `heap_kernels.ts`, the host loops of `host.ts`) needs the byte offset of each tensor and outputs it can fill
 * before they become tensors; tfjs exposes these only on its backend object.
 *
 * @module
 */
import { tf } from "./tf.ts";

/** A tensor as a kernel sees it. */
export type TensorInfo = { dataId: object; shape: number[]; dtype: string };

/** The members of tfjs-backend-wasm's backend object used here. */
export interface WasmBackend {
  wasm: { HEAPU8: Uint8Array; HEAPF32: Float32Array; asm: { memory: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  /** Allocate an output on the heap (may grow the heap: views and pointers taken before it go stale). */
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
  disposeData(dataId: object): void;
}

/** The active backend as the wasm backend (the caller checks that it is). */
export function wasmBackend(): WasmBackend {
  return tf.backend() as unknown as WasmBackend;
}

/** Byte offset of a tensor's data in the heap. */
export function heapOffset(backend: WasmBackend, t: { dataId: object }): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** A float32 view of a tensor's data (valid until the next allocation). */
export function heapView(
  backend: WasmBackend,
  t: { dataId: object; shape: readonly number[] },
): Float32Array {
  const start = heapOffset(backend, t) / 4;
  return backend.wasm.HEAPF32.subarray(start, start + t.shape.reduce((p, d) => p * d, 1));
}

/** The tensor owning an output made by `makeOutput`. */
export function tensorFromInfo(info: TensorInfo): tf.Tensor {
  return (tf.engine() as unknown as { makeTensorFromTensorInfo(i: TensorInfo): tf.Tensor })
    .makeTensorFromTensorInfo(info);
}
