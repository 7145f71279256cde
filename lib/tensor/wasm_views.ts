/**
 * Copy-free `Slice` and `Identity` kernels for the wasm backend.
 *
 * Why `Slice`: tfjs-backend-wasm 4.22's `Slice` reads its input with `backend.readSync`, which copies the **whole
 * input tensor** out of the wasm heap into a fresh ArrayBuffer on every call, so taking a small window of a large
 * activation costs a full copy plus page faults. The conv layers take 4–16 windows per layer (see
 * `lib/vsc/conv/conv_ops.ts`), which made slicing the largest cost of a training step. This one is the stock
 * kernel with the input read as a view of the heap (`typedArrayFromHeap`). Results are bit-identical.
 *
 * Why `Identity`: the wasm `Identity` copies its input into new memory, and the engine runs it for every
 * `clone` — including the clone of every tensor a kernel saves for its backward pass (~70 per linear train
 * step, the weights among them). Tensors are immutable, so here the clone shares the input's memory and bumps
 * its reference count, as the cpu backend's `Identity` does. This cut the J = 1 linear step by ~15%.
 *
 * Registered by `registerFastKernels` (`kernels.ts`) on the wasm backend, with or without OpenBLAS.
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { TensorInfo, WasmBackend } from "./wasm_heap.ts";

type Args = { inputs: { x: TensorInfo }; attrs: { begin: number[]; size: number[] }; backend: unknown };

/** The stock kernels this module replaced, by name, to restore. */
const stock = new Map<string, tf.KernelConfig>();
const callStock = (name: string, args: Args) =>
  (stock.get(name)!.kernelFunc as (a: Args) => TensorInfo)(args);

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

function viewSlice(args: Args): TensorInfo {
  const { inputs: { x }, attrs, backend } = args;
  if (x.dtype === "string") return callStock("Slice", args);
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

/** `Identity` as a second reference to the same memory (strings keep the stock kernel). */
function sharedIdentity(args: Args): TensorInfo {
  const { inputs: { x }, backend } = args;
  if (x.dtype === "string") return callStock("Identity", args);
  (backend as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

const KERNELS: Record<string, (args: Args) => TensorInfo> = { Slice: viewSlice, Identity: sharedIdentity };

/**
 * Replace the wasm `Slice` and `Identity` kernels by the copy-free ones (idempotent; no-op on other backends).
 * Returns whether they are active.
 *
 * @example
 * ```ts
 * import { registerViewKernels } from "./wasm_views.ts";
 * import { useBackend } from "./backend.ts";
 * await useBackend("cpu");
 * if (registerViewKernels()) throw new Error("cpu keeps its own kernels");
 * ```
 */
export function registerViewKernels(): boolean {
  if (tf.getBackend() !== "wasm") return false;
  for (const [name, kernelFunc] of Object.entries(KERNELS)) {
    if (stock.has(name)) continue;
    const current = tf.getKernel(name, "wasm");
    if (!current) return false;
    stock.set(name, current);
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({
      kernelName: name,
      backendName: "wasm",
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    });
  }
  return true;
}

/** Restore the stock wasm `Slice` and `Identity` kernels. */
export function unregisterViewKernels(): void {
  for (const [name, config] of stock) {
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel(config);
  }
  stock.clear();
}
