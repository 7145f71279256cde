/**
 * Faster matrix products for the wasm backend: `BatchMatMul` and `_FusedMatMul` re-registered to call an
 * `sgemm` (`blas/mod.ts`: OpenBLAS's, else the built-in WebAssembly SIMD one) on the tensors' memory inside the
 * wasm heap.
 *
 * Why: under Deno the wasm backend is single-threaded, and its product with a transpose flag — which every
 * backward pass of a dense layer uses — is 13–16× slower than the plain product. sgemm takes the transpose
 * flags natively and cuts a product's rows between cores, so forward and backward run at BLAS speed. Products
 * run in float32 as the stock kernel does; only the summation order differs (results agree to float rounding).
 *
 * Opt-in: a training stage calls {@linkcode registerFastKernels} after `useBackend`. Without FFI permission
 * (neither sgemm can reach the heap) the wasm product is wrapped instead so that a transpose flag becomes an
 * explicit transposed copy ("fallback"); on another backend nothing changes ("stock"). Anything the fast path
 * does not cover (non-float32, zero-size, a PReLU or non-vector bias in the fused product) goes to the original
 * kernel.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { type Blas, openBlas } from "./blas/mod.ts";
import { registerViewKernels, unregisterViewKernels } from "./wasm_views.ts";
import { heapOffset, heapView, type TensorInfo, type WasmBackend } from "./wasm_heap.ts";

type KernelArgs = {
  inputs: Record<string, TensorInfo | undefined>;
  backend: unknown;
  attrs?: Record<string, unknown>;
};
type KernelFunc = (args: KernelArgs) => TensorInfo;

/** Kernels this module replaces, with the stock configs it restores. */
const REPLACED = ["BatchMatMul", "_FusedMatMul"] as const;
const FAST = Symbol("vsc.fastKernel");
const FALLBACK = Symbol("vsc.fallbackKernel");
const stock = new Map<string, tf.KernelConfig>();
/** The product the registered fast kernels call. */
let registeredBlas: Blas | null = null;

/** Options of {@linkcode registerFastKernels}. */
export interface FastKernelOptions {
  /** The product to call; `null` forces the stock products with explicit transposes. @default openBlas() */
  blas?: Blas | null;
}

/**
 * Replace the wasm backend's matrix-product kernels by an sgemm — OpenBLAS's when it opens, else the built-in
 * WebAssembly SIMD one — when the active backend is wasm, and `Slice` and `Identity` by the copy-free kernels
 * of `wasm_views.ts`. Idempotent. Returns what the products now run on:
 * `"openblas sgemm (N threads, rows cut at T, <core> kernels)"`, `"built-in wasm-simd sgemm (N threads, rows cut
 * at 4)"`, `"fallback"` (wasm without FFI permission) or `"stock"` (another backend), with the reason in
 * parentheses.
 *
 * @example
 * ```ts
 * import { registerFastKernels } from "./kernels.ts";
 * import { useBackend } from "./backend.ts";
 * await useBackend("cpu");
 * if (registerFastKernels() !== "stock (backend cpu)") throw new Error("cpu must keep stock kernels");
 * ```
 */
export function registerFastKernels(options: FastKernelOptions = {}): string {
  const backendName = tf.getBackend();
  if (backendName !== "wasm") return `stock (backend ${backendName})`;
  registerViewKernels();
  const blas = options.blas === undefined ? openBlas() : options.blas;
  if (blas === null) {
    registerFallbackKernels();
    return "fallback (stock wasm products with explicit transposes; no FFI permission)";
  }
  const fast: Record<(typeof REPLACED)[number], (orig: KernelFunc) => KernelFunc> = {
    BatchMatMul: (orig) => (args) => batchMatMul(blas, args) ?? orig(args),
    _FusedMatMul: (orig) => (args) => fusedMatMul(blas, args) ?? orig(args),
  };
  for (const name of REPLACED) {
    const current = tf.getKernel(name, "wasm");
    if (current === undefined) continue;
    const original = stock.get(name) ?? current;
    stock.set(name, original);
    const config = {
      ...original,
      kernelFunc: fast[name](original.kernelFunc as unknown as KernelFunc) as unknown as tf.KernelFunc,
      [FAST]: true,
    };
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel(config);
  }
  registeredBlas = blas;
  return blas.core === "wasm-simd"
    ? `built-in wasm-simd sgemm (${threadsLabel(blas)})`
    : `openblas sgemm (${threadsLabel(blas)}, ${blas.core} kernels)`;
}

/** "1 thread", "2 threads, rows cut at 24" or, where no cut is exact, "1 thread (2 asked; no exact row cut)". */
function threadsLabel(blas: Blas): string {
  if (blas.threads === 1) return "1 thread";
  const tile = blas.rowTile;
  return tile === null
    ? `1 thread (${blas.threads} asked; no exact row cut)`
    : `${blas.threads} threads, rows cut at ${tile}`;
}

/**
 * Without FFI permission: wrap the stock wasm `BatchMatMul` so that a product with a transpose flag runs on an
 * explicitly transposed copy of that operand. The stock kernel is 13–16× slower with a flag than without,
 * and every backward pass of a dense layer sets one; the copy costs one pass over the operand.
 */
function registerFallbackKernels(): void {
  const name = "BatchMatMul";
  const current = tf.getKernel(name, "wasm");
  if (current === undefined) return;
  const original = stock.get(name) ?? current;
  stock.set(name, original);
  const orig = original.kernelFunc as unknown as KernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs;
    const transA = Boolean(args.attrs?.transposeA), transB = Boolean(args.attrs?.transposeB);
    if (!a || !b || (!transA && !transB) || !isFloat(a, b)) return orig(args);
    const be = args.backend as WasmBackend;
    const ta = transA ? transposedCopy(be, a) : a;
    const tb = transB ? transposedCopy(be, b) : b;
    try {
      return orig({
        ...args,
        inputs: { a: ta, b: tb },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      if (ta !== a) be.disposeData(ta.dataId);
      if (tb !== b) be.disposeData(tb.dataId);
    }
  };
  tf.unregisterKernel(name, "wasm");
  tf.registerKernel(
    { ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc, [FALLBACK]: true } as tf.KernelConfig,
  );
}

/** A float32 copy of `t` with its last two axes swapped, allocated by the wasm backend (caller disposes). */
function transposedCopy(be: WasmBackend, t: TensorInfo): TensorInfo {
  const shape = t.shape;
  const r = shape[shape.length - 2], c = shape[shape.length - 1];
  const batches = shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const out = be.makeOutput([...shape.slice(0, -2), c, r], "float32"); // may grow the heap: read views after it
  const heap = be.wasm.HEAPF32;
  const src = heapOffset(be, t) / 4, dst = heapOffset(be, out) / 4;
  for (let n = 0; n < batches; n++) {
    const s0 = src + n * r * c, d0 = dst + n * r * c;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) heap[d0 + j * r + i] = heap[s0 + i * c + j];
  }
  return out;
}

/** Put the stock wasm kernels back (for benchmarks that compare both). Safe to call when none were replaced. */
export function unregisterFastKernels(): void {
  unregisterViewKernels();
  for (const [name, config] of stock) {
    const current = tf.getKernel(name, "wasm") as
      | (tf.KernelConfig & { [FAST]?: boolean; [FALLBACK]?: boolean })
      | undefined;
    if (current?.[FAST] || current?.[FALLBACK]) tf.unregisterKernel(name, "wasm");
    if (tf.getKernel(name, "wasm") === undefined) tf.registerKernel(config);
  }
  stock.clear();
  registeredBlas = null;
}

/**
 * `tf.matMul(a, b, transposeA, transposeB)` with the transposes passed as flags wherever the product takes them
 * at full speed (the OpenBLAS kernel, cpu, webgpu), and as explicit transposes on stock wasm, whose flagged
 * product is 13–16× slower than a transpose followed by the plain product.
 *
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * import { matMulT } from "./kernels.ts";
 * await tf.ready();
 * const y = matMulT(tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 4]]), false, true); // [1, 2]·[3, 4]ᵀ = 11
 * if (y.dataSync()[0] !== 11) throw new Error("a·bᵀ");
 * ```
 */
export function matMulT(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  if (tf.getBackend() !== "wasm" || fastKernelsActive()) return tf.matMul(a, b, transposeA, transposeB);
  return tf.tidy(() => tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b));
}

/** Whether the wasm `BatchMatMul` currently runs through an sgemm (OpenBLAS or the built-in one). */
export function fastKernelsActive(): boolean {
  return Boolean((tf.getKernel("BatchMatMul", "wasm") as { [FAST]?: boolean } | undefined)?.[FAST]);
}

/**
 * The sgemm handle of the registered fast kernels, while they run and the wasm backend is active; `null`
 * otherwise. For ops that call sgemm on the heap themselves (`dense_stack.ts`).
 */
export function fastBlas(): Blas | null {
  return tf.getBackend() === "wasm" && fastKernelsActive() ? registeredBlas : null;
}

// ---------------------------------------------------------------------------------------------------------------
// The product itself

/** A product's geometry: op(A) is m×k, op(B) is k×n, per output batch the A and B batch indices. */
interface Plan {
  m: number;
  n: number;
  k: number;
  outShape: number[];
  aIndex: Int32Array; // [nBatch] batch index into A for each output batch
  bIndex: Int32Array; // [nBatch] batch index into B
}

/** The product's geometry, or `null` when the shapes are not a valid product (the stock kernel then throws). */
function plan(a: number[], b: number[], transA: boolean, transB: boolean): Plan | null {
  if (a.length < 2 || b.length < 2) return null;
  const [ar, ac] = a.slice(-2), [br, bc] = b.slice(-2);
  const m = transA ? ac : ar, k = transA ? ar : ac;
  const kb = transB ? bc : br, n = transB ? br : bc;
  if (k !== kb) return null;
  const aBatch = a.slice(0, -2), bBatch = b.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const outBatch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = aBatch[aBatch.length - rank + i] ?? 1, db = bBatch[bBatch.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    outBatch.push(da === 1 ? db : da);
  }
  const nBatch = outBatch.reduce((p, d) => p * d, 1);
  return {
    m,
    n,
    k,
    outShape: [...outBatch, m, n],
    aIndex: broadcastIndex(aBatch, outBatch, nBatch),
    bIndex: broadcastIndex(bBatch, outBatch, nBatch),
  };
}

/** For each output batch (row-major over `outBatch`), the flat index of the input batch it reads (numpy broadcasting). */
function broadcastIndex(inBatch: number[], outBatch: number[], nBatch: number): Int32Array {
  const index = new Int32Array(nBatch);
  const offset = outBatch.length - inBatch.length;
  for (let o = 0; o < nBatch; o++) {
    let rest = o, flat = 0, stride = 1;
    for (let d = outBatch.length - 1; d >= 0; d--) {
      const coord = rest % outBatch[d];
      rest = Math.floor(rest / outBatch[d]);
      const id = d - offset;
      if (id >= 0) {
        if (inBatch[id] !== 1) flat += coord * stride;
        stride *= inBatch[id];
      }
    }
    index[o] = flat;
  }
  return index;
}

/**
 * `out[i] ← alpha·op(A[aIndex[i]])·op(B[bIndex[i]]) + beta·out[i]` for every output batch, on heap offsets.
 * When B is shared by every batch and A is not transposed, the A batches are stacked into one tall sgemm.
 */
function gemmBatches(
  blas: Blas,
  heap: Uint8Array,
  p: Plan,
  aOff: number,
  bOff: number,
  outOff: number,
  transA: boolean,
  transB: boolean,
  beta: number,
): void {
  const { m, n, k, aIndex, bIndex } = p;
  const base = Deno.UnsafePointer.of(heap as Uint8Array<ArrayBuffer>);
  const at = (off: number) => Deno.UnsafePointer.offset(base!, off);
  const lda = Math.max(1, transA ? m : k), ldb = Math.max(1, transB ? k : n), ldc = Math.max(1, n);
  const nBatch = aIndex.length;
  const sharedB = bIndex.every((i) => i === 0);
  const contiguousA = aIndex.every((i, j) => i === j);
  if (nBatch > 1 && sharedB && contiguousA && !transA) {
    blas.sgemm(false, transB, nBatch * m, n, k, 1, at(aOff), lda, at(bOff), ldb, beta, at(outOff), ldc);
    return;
  }
  for (let i = 0; i < nBatch; i++) {
    blas.sgemm(
      transA,
      transB,
      m,
      n,
      k,
      1,
      at(aOff + 4 * aIndex[i] * m * k),
      lda,
      at(bOff + 4 * bIndex[i] * k * n),
      ldb,
      beta,
      at(outOff + 4 * i * m * n),
      ldc,
    );
  }
}

function isFloat(...ts: (TensorInfo | undefined)[]): boolean {
  return ts.every((t) => t === undefined || t.dtype === "float32");
}

/** `BatchMatMul` through sgemm, or `null` to use the stock kernel. */
function batchMatMul(blas: Blas, { inputs, backend, attrs }: KernelArgs): TensorInfo | null {
  const { a, b } = inputs;
  const transA = Boolean(attrs?.transposeA), transB = Boolean(attrs?.transposeB);
  if (!a || !b || !isFloat(a, b)) return null;
  const p = plan(a.shape, b.shape, transA, transB);
  if (p === null || p.m * p.n * p.k === 0) return null;
  const be = backend as WasmBackend;
  const out = be.makeOutput(p.outShape, "float32"); // may grow the heap: read offsets and the heap after it
  const off = (t: TensorInfo) => heapOffset(be, t);
  gemmBatches(blas, be.wasm.HEAPU8, p, off(a), off(b), off(out), transA, transB, 0);
  return out;
}

/** Activations the fused product supports here, applied in place. */
const ACTIVATIONS: Record<string, ((v: Float32Array, alpha: number) => void) | undefined> = {
  linear: () => {},
  relu: (v) => {
    for (let i = 0; i < v.length; i++) if (!(v[i] > 0)) v[i] = 0;
  },
  relu6: (v) => {
    for (let i = 0; i < v.length; i++) v[i] = v[i] > 0 ? (v[i] < 6 ? v[i] : 6) : 0;
  },
  leakyrelu: (v, alpha) => {
    for (let i = 0; i < v.length; i++) if (v[i] < 0) v[i] *= alpha;
  },
  sigmoid: (v) => {
    for (let i = 0; i < v.length; i++) v[i] = 1 / (1 + Math.exp(-v[i]));
  },
  elu: (v) => {
    for (let i = 0; i < v.length; i++) if (v[i] < 0) v[i] = Math.exp(v[i]) - 1;
  },
};

/**
 * `_FusedMatMul` through sgemm: the output is pre-filled with the bias rows, sgemm accumulates into it
 * (beta = 1), then the activation runs in place. `null` (stock kernel) for PReLU, a bias that is not a vector
 * of length n or 1, or anything `batchMatMul` would decline.
 */
function fusedMatMul(blas: Blas, { inputs, backend, attrs }: KernelArgs): TensorInfo | null {
  const { a, b, bias, preluActivationWeights } = inputs;
  const transA = Boolean(attrs?.transposeA), transB = Boolean(attrs?.transposeB);
  const activation = ACTIVATIONS[String(attrs?.activation ?? "linear")];
  if (!a || !b || !isFloat(a, b, bias) || preluActivationWeights || !activation) return null;
  const p = plan(a.shape, b.shape, transA, transB);
  if (p === null || p.m * p.n * p.k === 0) return null;
  const biasLength = bias ? bias.shape.reduce((x, d) => x * d, 1) : 0;
  if (bias && !(bias.shape.length <= 1 && (biasLength === 1 || biasLength === p.n))) return null;
  const be = backend as WasmBackend;
  const out = be.makeOutput(p.outShape, "float32");
  const off = (t: TensorInfo) => heapOffset(be, t);
  const y = heapView(be, out);
  const size = y.length;
  if (bias) {
    const bv = heapView(be, bias);
    if (bv.length === 1) y.fill(bv[0]);
    else for (let r = 0; r < size; r += p.n) y.set(bv, r);
  }
  gemmBatches(blas, be.wasm.HEAPU8, p, off(a), off(b), off(out), transA, transB, bias ? 1 : 0);
  activation(y, Number(attrs?.leakyreluAlpha ?? 0.2));
  return out;
}
