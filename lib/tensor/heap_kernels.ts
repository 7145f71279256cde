/**
 * The SIMD element loops of `simd/heap_kernels.wat`, instantiated on the tfjs-wasm backend's own memory: each
 * function reads and writes tensors where the backend keeps them, by their byte offsets in its heap.
 *
 * Why: an update such as SGD with momentum is five tfjs kernels per variable, each a full pass over the
 * variable plus a dispatch; one fused SIMD pass does the same float32 arithmetic in the same order (results are
 * bit-identical) at a fraction of the memory traffic. Plain JavaScript loops are no faster than the kernels
 * (measured: 2.8 ms vs 3.0 ms for the encoder's 1.4 M parameters), hence WebAssembly SIMD.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { Buffer } from "node:buffer";
import { HEAP_KERNELS_WASM } from "./simd/heap_kernels_wasm.ts";
import { heapOffset, tensorFromInfo, type WasmBackend, wasmBackend } from "./wasm_heap.ts";

/** The module's exports (byte offsets into the backend's heap; element counts; float32 scalars). */
interface HeapExports {
  momentum_nesterov(
    v: number,
    a: number,
    g: number,
    vOut: number,
    aOut: number,
    n: number,
    m: number,
    c: number,
  ): void;
  bias_activation(y: number, b: number, rows: number, cols: number, stride: number, relu: number): void;
  relu_mask(g: number, h: number, n: number): void;
  column_sums(g: number, out: number, rows: number, cols: number, stride: number): void;
  soft_threshold(v: number, out: number, n: number, t: number): void;
  extrapolate(x: number, xOld: number, z: number, n: number, m: number): void;
  diff_sq: WebAssembly.Global;
  old_sq: WebAssembly.Global;
}

/** The float64 loops of the module (byte offsets into the memory it is instantiated on). */
export interface F64Loops {
  /** Σ x[i]·y[i] over i < n, with the arithmetic of {@linkcode dotF64} (the same bits). */
  dot_f64(x: number, y: number, n: number): number;
  /** w = G q for a k×k row-major G. */
  matvec_f64(g: number, q: number, w: number, k: number): void;
  /** w orthogonalised twice against the m rows of basis (m×n), row by row. */
  reorthogonalise_f64(basis: number, m: number, w: number, n: number): void;
}

/**
 * Σ x[i]·y[i] in float64 with four partial sums s0..s3 of the elements i ≡ 0..3 (mod 4), the leftovers into
 * s0, and (s0 + s1) + (s2 + s3): independent additions pipeline (~2× faster than one running sum). `dot_f64`
 * computes it lane by lane with the same bits.
 *
 * @example
 * ```ts
 * import { dotF64 } from "./heap_kernels.ts";
 * if (dotF64(new Float64Array([1, 2, 3, 4, 5]), new Float64Array([1, 1, 1, 1, 1])) !== 15) throw new Error("15");
 * ```
 */
export function dotF64(x: Float64Array, y: Float64Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (const n = x.length - 3; i < n; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  for (; i < x.length; i++) s0 += x[i] * y[i];
  return (s0 + s1) + (s2 + s3);
}

let compiled: WebAssembly.Module | undefined;
const compiledModule = () => compiled ??= new WebAssembly.Module(Buffer.from(HEAP_KERNELS_WASM, "base64"));

/**
 * The module's float64 loops on a memory of the caller's (not the tfjs heap: they serve host-side float64
 * arrays on any backend), with the arithmetic of the JavaScript loops they replace (the same bits).
 *
 * @example
 * ```ts
 * import { f64Loops } from "./heap_kernels.ts";
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const x = new Float64Array(memory.buffer, 0, 5);
 * x.set([1, 2, 3, 4, 5]);
 * if (f64Loops(memory).dot_f64(0, 0, 5) !== 55) throw new Error("1² + … + 5² = 55");
 * ```
 */
export function f64Loops(memory: WebAssembly.Memory): F64Loops {
  return new WebAssembly.Instance(compiledModule(), { env: { memory } }).exports as unknown as F64Loops;
}
const instances = new WeakMap<WebAssembly.Memory, HeapExports>();

/** The kernels bound to the active wasm backend's memory, or `null` on another backend. */
function heapExports(): { backend: WasmBackend; fns: HeapExports } | null {
  if (tf.getBackend() !== "wasm") return null;
  const backend = wasmBackend();
  const memory = backend.wasm.asm.memory;
  let fns = instances.get(memory);
  if (fns === undefined) {
    fns = new WebAssembly.Instance(compiledModule(), { env: { memory } }).exports as unknown as HeapExports;
    instances.set(memory, fns);
  }
  return { backend, fns };
}

/**
 * One step of SGD with Nesterov momentum on float32 tensors, as tfjs's `MomentumOptimizer` computes it:
 * a' = m·a + g and v' = c·(g + a'·m) + v with c = −lr, all in float32. Returns [v', a'] as new tensors (the
 * caller assigns and disposes them), computed in one SIMD pass on wasm and by the same chain of tfjs ops elsewhere;
 * both give identical bits.
 *
 * @example
 * ```ts
 * import { tf } from "./tf.ts";
 * import { nesterovMomentumStep } from "./heap_kernels.ts";
 * await tf.ready();
 * const [v, a] = nesterovMomentumStep(tf.tensor1d([1]), tf.tensor1d([0]), tf.tensor1d([2]), 0.5, 0.1);
 * // a' = 0.5·0 + 2 = 2; v' = −0.1·(2 + 2·0.5) + 1 = 0.7
 * if (Math.abs(v.dataSync()[0] - 0.7) > 1e-6 || a.dataSync()[0] !== 2) throw new Error("nesterov step");
 * ```
 */
export function nesterovMomentumStep(
  value: tf.Tensor,
  accumulation: tf.Tensor,
  gradient: tf.Tensor,
  momentum: number,
  lr: number,
): [tf.Tensor, tf.Tensor] {
  const heap = heapExports();
  const floats = [value, accumulation, gradient].every((t) => t.dtype === "float32");
  if (heap === null || !floats || value.size === 0) {
    return tf.tidy(() => {
      const m = tf.scalar(momentum), c = tf.scalar(-lr);
      const a = tf.add(tf.mul(m, accumulation), gradient);
      return [tf.add(tf.mul(c, tf.add(gradient, tf.mul(a, m))), value), a];
    });
  }
  for (const t of [accumulation, gradient]) {
    if (t.size !== value.size) {
      throw new RangeError(`Cannot take a momentum step: shapes [${value.shape}] and [${t.shape}] differ`);
    }
  }
  const { backend, fns } = heap;
  const vOut = backend.makeOutput([...value.shape], "float32");
  const aOut = backend.makeOutput([...value.shape], "float32");
  const off = (t: { dataId: object }) => heapOffset(backend, t);
  fns.momentum_nesterov(
    off(value),
    off(accumulation),
    off(gradient),
    off(vOut),
    off(aOut),
    value.size,
    momentum,
    -lr,
  );
  return [tensorFromInfo(vOut), tensorFromInfo(aOut)];
}

/**
 * The dense-layer loops of `heap_kernels.wat` on the active wasm backend's heap, for ops that work on tensor
 * memory by byte offset (`dense_stack.ts`); `null` on another backend. A matrix argument is `rows` rows of
 * `cols` floats, `stride` floats apart.
 *
 * @example
 * ```ts
 * import { useBackend } from "./backend.ts";
 * import { tf } from "./tf.ts";
 * import { denseLoops } from "./heap_kernels.ts";
 * await useBackend("wasm");
 * const y = tf.tensor2d([[-3, 1]]), b = tf.tensor1d([1, 1]);
 * const off = (t: tf.Tensor) => (tf.backend() as any).dataIdMap.get(t.dataId).memoryOffset;
 * denseLoops()!.biasActivation(off(y), off(b), 1, 2, 2, true); // in place: ReLU([−2, 2])
 * if ((await y.data()).join() !== "0,2") throw new Error("bias + ReLU");
 * tf.dispose([y, b]);
 * ```
 */
export function denseLoops(): {
  /** y ← y + b (b broadcast over rows), then y ← max-like ReLU (y < 0 ? 0 : y) when `relu`. */
  biasActivation(y: number, b: number, rows: number, cols: number, stride: number, relu: boolean): void;
  /** g ← (h > 0 ? g : 0) over n contiguous floats. */
  reluMask(g: number, h: number, n: number): void;
  /** out[j] ← Σ_r g[r·stride + j], sequential float32 sums. */
  columnSums(g: number, out: number, rows: number, cols: number, stride: number): void;
} | null {
  const heap = heapExports();
  if (heap === null) return null;
  const { fns } = heap;
  return {
    biasActivation: (y, b, rows, cols, stride, relu) =>
      fns.bias_activation(y, b, rows, cols, stride, relu ? 1 : 0),
    reluMask: (g, h, n) => fns.relu_mask(g, h, n),
    columnSums: (g, out, rows, cols, stride) => fns.column_sums(g, out, rows, cols, stride),
  };
}

/** The loops of {@linkcode proximalLoops}, on float32 arrays that are views of the wasm heap. */
export interface ProximalLoops {
  /** out[i] ← soft(v[i], t) in float32 (t a float32 value ≥ 0). */
  softThreshold(v: Float32Array, out: Float32Array, t: number): void;
  /** z ← x + m·(x − xOld) (float64 per element, rounded on store); returns [Σ (x − xOld)², Σ xOld²]. */
  extrapolate(x: Float32Array, xOld: Float32Array, z: Float32Array, m: number): [number, number];
}

/**
 * The proximal-gradient loops of `heap_kernels.wat` (soft threshold, FISTA's extrapolation) for `arrays`, when
 * every one of them is a view of the active wasm backend's heap (as {@linkcode "./host.ts"} `hostCompute` hands
 * them out); `null` otherwise, and the caller runs its JavaScript loop, which has the same arithmetic.
 *
 * @example
 * ```ts
 * import { useBackend } from "./backend.ts";
 * import { tf } from "./tf.ts";
 * import { hostCompute } from "./host.ts";
 * import { proximalLoops } from "./heap_kernels.ts";
 * await useBackend("wasm");
 * const v = tf.tensor1d([-2, 0.5, 3]);
 * const [x] = hostCompute([v], [[3]], ([vv], [xv]) => proximalLoops(vv, xv)!.softThreshold(vv, xv, 1));
 * if ((await x.data()).join() !== "-1,0,2") throw new Error("soft threshold");
 * if (proximalLoops(new Float32Array(3)) !== null) throw new Error("not a heap view");
 * tf.dispose([v, x]);
 * ```
 */
export function proximalLoops(...arrays: Float32Array[]): ProximalLoops | null {
  const heap = heapExports();
  if (heap === null) return null;
  const buffer = heap.backend.wasm.asm.memory.buffer;
  if (!arrays.every((a) => a.buffer === buffer)) return null;
  if (arrays.some((a) => a.length !== arrays[0].length)) {
    throw new RangeError(
      `Cannot run the proximal loops: the arrays' lengths differ (${arrays.map((a) => a.length).join(", ")})`,
    );
  }
  const { fns } = heap;
  return {
    softThreshold: (v, out, t) => fns.soft_threshold(v.byteOffset, out.byteOffset, v.length, t),
    extrapolate(x, xOld, z, m) {
      fns.extrapolate(x.byteOffset, xOld.byteOffset, z.byteOffset, x.length, m);
      return [fns.diff_sq.value, fns.old_sq.value];
    },
  };
}
