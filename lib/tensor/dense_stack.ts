/**
 * A stack of dense layers — ReLU(x·W + b) per backbone layer, then linear heads side by side — as one
 * differentiable op whose forward and backward passes call OpenBLAS sgemm on the wasm heap directly.
 *
 * Why: built from tfjs ops, the MLP encoder of the linear experiment is ~46 kernel dispatches forward and ~40
 * backward (products, bias adds, ReLUs, their gradients, the reshapes and clones the engine adds): about 40% of
 * a J = 1 train step's kernels, each with ~20 µs of engine overhead on top of its work. Here the bias add and
 * the ReLU are one pass over each product's output, the ReLU mask and the bias gradient one pass over each
 * upstream gradient, and the heads write into one [B, H·K] output through sgemm's leading dimension.
 *
 * The products are the same sgemm calls as the tfjs path's (same shapes, same transposes), the bias add and
 * ReLU the same float32 operations, so the forward value is bit-identical; in the backward pass the gradients
 * reaching the last hidden layer from the H heads are summed in another order (sgemm accumulation) and the bias
 * gradients are sequential float32 column sums, so gradients agree to float32 rounding (tested).
 *
 * Available when the fast kernels run (`fastBlas()` of `kernels.ts` is not null); callers use tfjs ops
 * otherwise.
 *
 * @module
 */
import { tf } from "./tf.ts";
import type { CustomGradientFunc } from "./ops.ts";
import { fastBlas } from "./kernels.ts";
import type { Blas } from "./blas/blas.ts";
import { denseLoops } from "./heap_kernels.ts";
import { heapOffset, heapView, tensorFromInfo, type TensorInfo, wasmBackend } from "./wasm_heap.ts";

/** One dense layer's parameters: W [in, out], b [out]. */
export interface DenseParams {
  w: tf.Tensor2D;
  b: tf.Tensor1D;
}

/** Heap access for one pass: byte offsets of tensors, pointers into the heap, float views. */
class Heap {
  readonly backend = wasmBackend();
  #base: Deno.PointerObject | null = null;
  /** Allocate every output before any view or pointer is taken: an allocation may grow (move) the heap. */
  alloc(shape: number[]): TensorInfo {
    this.#base = null;
    return this.backend.makeOutput(shape, "float32");
  }
  offset(t: { dataId: object }): number {
    return heapOffset(this.backend, t);
  }
  ptr(t: { dataId: object }, floats = 0): Deno.PointerObject {
    this.#base ??= Deno.UnsafePointer.of(this.backend.wasm.HEAPU8 as Uint8Array<ArrayBuffer>)!;
    return Deno.UnsafePointer.offset(this.#base, this.offset(t) + 4 * floats)!;
  }
  view(t: { dataId: object; shape: number[] }): Float32Array {
    return heapView(this.backend, t);
  }
  tensor(info: TensorInfo): tf.Tensor {
    return tensorFromInfo(info);
  }
}

/** What the passes call: sgemm, and the SIMD element loops on the heap. */
type Kernels = { blas: Blas; loops: NonNullable<ReturnType<typeof denseLoops>> };

/** Row-major C[m, n] (+)= op(A)·op(B), with explicit leading dimensions. */
function gemm(
  blas: Blas,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Deno.PointerObject,
  lda: number,
  b: Deno.PointerObject,
  ldb: number,
  accumulate: boolean,
  c: Deno.PointerObject,
  ldc: number,
): void {
  blas.sgemm(transA, transB, m, n, k, 1, a, lda, b, ldb, accumulate ? 1 : 0, c, ldc);
}

/**
 * `[ReLU(…ReLU(x·W₀ + b₀)…) · Hᵢ + cᵢ for each head i]` concatenated along the columns: [B, Σ Kᵢ] — the heads
 * must all have the same width K. `x` is data: no gradient flows back to it (the op's gradient for x is zero,
 * as `tf.stopGradient(x)` would give); every layer's W and b get theirs.
 *
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * import { useBackend } from "./backend.ts";
 * import { fastBlas, registerFastKernels } from "./kernels.ts";
 * import { denseStack } from "./dense_stack.ts";
 * await useBackend("wasm");
 * registerFastKernels();
 * if (fastBlas() !== null) {
 *   const x = tf.tensor2d([[1, -2]]);
 *   const layer = { w: tf.tensor2d([[1, 0], [0, 1]]), b: tf.tensor1d([0, 0]) }; // ReLU(x) = [1, 0]
 *   const head = { w: tf.tensor2d([[2], [5]]), b: tf.tensor1d([1]) }; // 2·1 + 5·0 + 1 = 3
 *   const y = denseStack(x, [layer], [head, head]);
 *   if ((await y.data()).join() !== "3,3") throw new Error("dense stack");
 *   tf.dispose([x, layer.w, layer.b, head.w, head.b, y]);
 * }
 * ```
 */
export function denseStack(x: tf.Tensor2D, layers: DenseParams[], heads: DenseParams[]): tf.Tensor2D {
  const blas = fastBlas(), loops = denseLoops();
  if (blas === null || loops === null) {
    throw new Error("Cannot run denseStack: the OpenBLAS kernels are not registered");
  }
  const kernels = { blas, loops };
  if (heads.length === 0) throw new RangeError("Cannot run denseStack: it needs at least one head");
  const K = heads[0].w.shape[1];
  if (heads.some((h) => h.w.shape[1] !== K)) {
    throw new RangeError(
      `Cannot run denseStack: heads of different widths ${heads.map((h) => h.w.shape[1])}`,
    );
  }
  const params = [...layers, ...heads].flatMap((l) => [l.w, l.b]);
  // The op's inputs are x and `params`, in that order; its closures read the same tensors from `layers`/`heads`.
  const op = tf.customGrad(
    ((...args: unknown[]) => {
      const save = args.at(-1) as (tensors: tf.Tensor[]) => void;
      const input = args[0] as tf.Tensor2D;
      const [acts, y] = forward(kernels, input, layers, heads);
      save([input, ...acts]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          backward(kernels, dy as tf.Tensor2D, saved as tf.Tensor2D[], layers, heads),
      };
    }) as CustomGradientFunc,
  );
  return op(x, ...params) as tf.Tensor2D;
}

/** The hidden activations h₁…h_L (after the ReLU) and the heads' output [B, H·K]. */
function forward(
  { blas, loops }: Kernels,
  x: tf.Tensor2D,
  layers: DenseParams[],
  heads: DenseParams[],
): [tf.Tensor2D[], tf.Tensor2D] {
  const heap = new Heap();
  const B = x.shape[0];
  const K = heads[0].w.shape[1], HK = heads.length * K;
  const acts = layers.map((l) => heap.alloc([B, l.w.shape[1]]));
  const y = heap.alloc([B, HK]);
  let prev: { dataId: object; shape: number[] } = x;
  for (const [l, { w, b }] of layers.entries()) {
    const [din, dout] = w.shape;
    gemm(
      blas,
      false,
      false,
      B,
      dout,
      din,
      heap.ptr(prev),
      din,
      heap.ptr(w),
      dout,
      false,
      heap.ptr(acts[l]),
      dout,
    );
    loops.biasActivation(heap.offset(acts[l]), heap.offset(b), B, dout, dout, true);
    prev = acts[l];
  }
  for (const [i, { w, b }] of heads.entries()) {
    const dLast = w.shape[0];
    gemm(
      blas,
      false,
      false,
      B,
      K,
      dLast,
      heap.ptr(prev),
      dLast,
      heap.ptr(w),
      K,
      false,
      heap.ptr(y, i * K),
      HK,
    );
    loops.biasActivation(heap.offset(y) + 4 * i * K, heap.offset(b), B, K, HK, false);
  }
  return [acts.map((a) => heap.tensor(a) as tf.Tensor2D), heap.tensor(y) as tf.Tensor2D];
}

/** Gradients [dx = 0, dW₀, db₀, …, dH₀, dc₀, …] from dy [B, H·K]. */
function backward(
  { blas, loops }: Kernels,
  dy: tf.Tensor2D,
  saved: tf.Tensor2D[],
  layers: DenseParams[],
  heads: DenseParams[],
): tf.Tensor[] {
  const heap = new Heap();
  const [x, ...acts] = saved;
  const B = x.shape[0];
  const K = heads[0].w.shape[1], HK = heads.length * K;
  const dx = heap.alloc([...x.shape]);
  const dLayers = layers.map((l) => ({ w: heap.alloc([...l.w.shape]), b: heap.alloc([...l.b.shape]) }));
  const dHeads = heads.map((l) => ({ w: heap.alloc([...l.w.shape]), b: heap.alloc([...l.b.shape]) }));
  // Two scratch buffers for the gradient with respect to a hidden layer, wide enough for any of them.
  const widest = Math.max(1, ...acts.map((a) => a.shape[1]));
  const scratch = [heap.alloc([B, widest]), heap.alloc([B, widest])];
  heap.view(dx).fill(0);
  // Heads: dHᵢ = h_Lᵀ·dyᵢ, dcᵢ = Σ_rows dyᵢ, dh_L = Σᵢ dyᵢ·Hᵢᵀ.
  const hL = acts.at(-1) ?? x, dL = hL.shape[1];
  let dh = scratch[0];
  for (const [i, head] of heads.entries()) {
    gemm(
      blas,
      true,
      false,
      dL,
      K,
      B,
      heap.ptr(hL),
      dL,
      heap.ptr(dy, i * K),
      HK,
      false,
      heap.ptr(dHeads[i].w),
      K,
    );
    loops.columnSums(heap.offset(dy) + 4 * i * K, heap.offset(dHeads[i].b), B, K, HK);
    if (layers.length > 0) {
      gemm(
        blas,
        false,
        true,
        B,
        dL,
        K,
        heap.ptr(dy, i * K),
        HK,
        heap.ptr(head.w),
        K,
        i > 0,
        heap.ptr(dh),
        dL,
      );
    }
  }
  // Backbone, last layer first: g = dh ⊙ [h > 0], db = Σ_rows g, dW = h_prevᵀ·g, dh_prev = g·Wᵀ.
  for (let l = layers.length - 1; l >= 0; l--) {
    const dout = acts[l].shape[1];
    const prev = l > 0 ? acts[l - 1] : x, din = prev.shape[1];
    loops.reluMask(heap.offset(dh), heap.offset(acts[l]), B * dout);
    loops.columnSums(heap.offset(dh), heap.offset(dLayers[l].b), B, dout, dout);
    gemm(
      blas,
      true,
      false,
      din,
      dout,
      B,
      heap.ptr(prev),
      din,
      heap.ptr(dh),
      dout,
      false,
      heap.ptr(dLayers[l].w),
      dout,
    );
    if (l > 0) {
      const next = dh === scratch[0] ? scratch[1] : scratch[0];
      gemm(
        blas,
        false,
        true,
        B,
        din,
        dout,
        heap.ptr(dh),
        dout,
        heap.ptr(layers[l].w),
        dout,
        false,
        heap.ptr(next),
        din,
      );
      dh = next;
    }
  }
  for (const s of scratch) heap.tensor(s).dispose();
  return [dx, ...[...dLayers, ...dHeads].flatMap((d) => [d.w, d.b])].map((info) => heap.tensor(info));
}
