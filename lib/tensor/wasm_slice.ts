/**
 * A copy-free `Slice` kernel for the wasm backend.
 *
 * Why: tfjs-backend-wasm 4.22's `Slice` reads its input with `backend.readSync`, which copies the **whole input
 * tensor** out of the wasm heap into a fresh ArrayBuffer on every call, so taking a small window of a large
 * activation costs a full copy plus page faults. The conv layers here take 4–16 windows per layer (see
 * `conv_ops.ts`), which made slicing the largest cost of a training step. This kernel is the stock one with the
 * input read as a view of the heap (`typedArrayFromHeap`), as the stock `Concat` and `Identity` already do.
 * Results are bit-identical (it only moves values).
 *
 * Opt-in, like `kernels.ts`: a stage calls {@linkcode registerFastSlice} after `useBackend`.
 *
 * @module
 */
import { tf } from "./tf.ts";

type Info = { dataId: object; shape: number[]; dtype: string };
type WasmBackend = {
  makeOutput(shape: number[], dtype: string): Info;
  typedArrayFromHeap(t: Info): Float32Array | Int32Array | Uint8Array;
};

let stock: tf.KernelConfig | undefined;

function computeStrides(shape: number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** Copy the block [begin, begin + size) of x into out, recursing over the leading axes. */
function copyBlock(
  x: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
  out: { set(a: ArrayLike<number>, o: number): void },
  strides: number[],
  begin: number[],
  size: number[],
): void {
  const rank = size.length;
  // Merge the trailing axes that are taken whole into one contiguous inner block.
  let inner = rank - 1;
  let block = size[rank - 1];
  while (inner > 0 && begin[inner] === 0 && size[inner] * strides[inner] === strides[inner - 1]) {
    inner--;
    block = size[inner] * strides[inner];
  }
  let outOffset = 0;
  const idx = new Array(inner).fill(0);
  const total = size.slice(0, inner).reduce((a, b) => a * b, 1);
  for (let n = 0; n < total; n++) {
    let off = begin[inner] * strides[inner];
    for (let d = 0; d < inner; d++) off += (begin[d] + idx[d]) * strides[d];
    out.set(x.subarray(off, off + block), outOffset);
    outOffset += block;
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
}

function fastSlice(
  args: { inputs: { x: Info }; attrs: { begin: number[]; size: number[] }; backend: unknown },
): Info {
  const { inputs: { x }, attrs, backend } = args;
  if (x.dtype === "string") return (stock!.kernelFunc as (a: unknown) => Info)(args);
  const b = backend as WasmBackend;
  const begin = attrs.begin.slice();
  const size = attrs.size.map((s, i) => (s === -1 ? x.shape[i] - begin[i] : s));
  const out = b.makeOutput(size, x.dtype);
  if (size.some((s) => s === 0)) return out;
  const xVals = b.typedArrayFromHeap(x);
  const outVals = b.typedArrayFromHeap(out);
  if (x.shape.length === 0) {
    outVals.set(xVals);
    return out;
  }
  copyBlock(xVals, outVals, computeStrides(x.shape), begin, size);
  return out;
}

/**
 * Replace the wasm `Slice` kernel by the copy-free one (idempotent; no-op on other backends). Returns whether the
 * fast kernel is active.
 *
 * @example
 * ```ts
 * import { registerFastSlice } from "./wasm_slice.ts";
 * import { useBackend } from "../../tensor/backend.ts";
 * await useBackend("cpu");
 * if (registerFastSlice()) throw new Error("cpu keeps its own Slice");
 * ```
 */
export function registerFastSlice(): boolean {
  if (tf.getBackend() !== "wasm") return false;
  if (stock) return true;
  const current = tf.getKernel("Slice", "wasm");
  if (!current) return false;
  stock = current;
  tf.unregisterKernel("Slice", "wasm");
  tf.registerKernel({
    kernelName: "Slice",
    backendName: "wasm",
    kernelFunc: fastSlice as unknown as tf.KernelFunc,
  });
  return true;
}

/** Restore the stock wasm `Slice` kernel. */
export function unregisterFastSlice(): void {
  if (!stock) return;
  tf.unregisterKernel("Slice", "wasm");
  tf.registerKernel(stock);
  stock = undefined;
}
