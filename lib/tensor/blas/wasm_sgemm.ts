/**
 * `sgemm` without a native BLAS: the WebAssembly SIMD product of `simd/sgemm.wat`, behind the same signature as
 * OpenBLAS's (raw pointers, row-major), so that every caller of the fast kernels — `BatchMatMul`, the fused
 * product, the dense stack — runs on it unchanged.
 *
 * Why: the stock tfjs-wasm product (XNNPACK) is single-threaded under Deno and 13–16× slower with a transpose
 * flag; this one takes the flags while packing, and {@linkcode RowSplitter} runs it on several cores. Each call
 * copies the operands from their pointers into the module's own memory and the result back (FFI pointer
 * views; ~2 bytes copied per 100 flops on a training step's shapes).
 *
 * Its bits: every element of C is its k products summed in order in float32 (multiply, then add), so any cut
 * of the rows gives the same bits ({@linkcode referenceSgemm} computes them with scalar loops).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { SGEMM_WASM } from "../simd/sgemm_wasm.ts";
import { type Blas, ffiGranted, threadedBlas } from "./blas.ts";
import type { Sgemm } from "./row_split.ts";

/** What decides the bits of this product, for cache keys (`pipeline/backend.ts`); change it with the kernel. */
export const WASM_SGEMM_CONFIG =
  "vsc wasm-simd sgemm 1 (float32, products added in order of k, no fused multiply-add; built in)";

/** Rows of op(A) per packed panel (`sgemm.wat`); row blocks of C are cut at multiples of it (any cut gives the same bits). */
export const WASM_SGEMM_ROW_TILE = 4;

interface SgemmExports {
  memory: WebAssembly.Memory;
  sgemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    packedA: number,
    packedB: number,
    scratch: number,
  ): void;
}

const ROWS = WASM_SGEMM_ROW_TILE;
let compiled: WebAssembly.Module | undefined;

/** Floats a stored matrix spans from its first element to its last: `rows` rows of `cols`, `ld` apart. */
const span = (
  rows: number,
  cols: number,
  ld: number,
) => (rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols);
/** Rounded up to a multiple of 16 (in floating point: layouts may pass 2 GiB, where `&` would wrap). */
const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** The most a WebAssembly memory with 32-bit addresses holds: 65,536 pages of 64 KiB. */
const WASM32_BYTES = 2 ** 32;

/** Grow `memory` to at least `end` bytes for the product named by `shape`, or say why it cannot. */
function grow(memory: WebAssembly.Memory, end: number, shape: string): void {
  const size = `${(end / 2 ** 20).toFixed(0)} MiB`;
  if (end > WASM32_BYTES) {
    throw new Error(
      `Cannot multiply ${shape} on the built-in wasm-simd sgemm: its operands and panels need ${size}, more than ` +
        "the 4 GiB of a WebAssembly memory; install OpenBLAS (sudo apt-get install libopenblas0-pthread)",
    );
  }
  try {
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
  } catch (e) {
    throw new Error(`Cannot grow the built-in wasm-simd sgemm's memory to ${size} for ${shape}: ${e}`);
  }
}

/**
 * A single-threaded `sgemm` on an instance of its own (one per thread that calls it).
 *
 * @example
 * ```ts
 * import { wasmSgemm } from "./wasm_sgemm.ts";
 * const sgemm = wasmSgemm();
 * const a = new Float32Array([1, 2, 3, 4]), b = new Float32Array([5, 6, 7, 8]), c = new Float32Array(4);
 * const p = (v: Float32Array) => Deno.UnsafePointer.of(v);
 * sgemm(false, false, 2, 2, 2, 1, p(a), 2, p(b), 2, 0, p(c), 2); // [[1, 2], [3, 4]]·[[5, 6], [7, 8]]
 * if (c.join() !== "19,22,43,50") throw new Error(c.join());
 * ```
 */
export function wasmSgemm(): Sgemm {
  compiled ??= new WebAssembly.Module(Buffer.from(SGEMM_WASM, "base64"));
  const kernel = new WebAssembly.Instance(compiled).exports as unknown as SgemmExports;
  const memory = kernel.memory;
  return (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    if (m <= 0 || n <= 0) return;
    const aFloats = transA ? span(k, m, lda) : span(m, k, lda);
    const bFloats = transB ? span(n, k, ldb) : span(k, n, ldb);
    const cFloats = span(m, n, ldc);
    const scratch = 0, aAt = 4 * ROWS * 8; // the micro-kernel's edge block
    const bAt = align16(aAt + 4 * aFloats), cAt = align16(bAt + 4 * bFloats);
    const packedA = align16(cAt + 4 * cFloats), packedB = packedA + 4 * ROWS * Math.ceil(m / ROWS) * k;
    const end = packedB + 32 * Math.ceil(n / 8) * k;
    if (end > memory.buffer.byteLength) grow(memory, end, `${m}×${k} by ${k}×${n}`);
    const bytes = (at: number, floats: number) => new Uint8Array(memory.buffer, at, 4 * floats);
    if (aFloats > 0) Deno.UnsafePointerView.copyInto(a!, bytes(aAt, aFloats));
    if (bFloats > 0) Deno.UnsafePointerView.copyInto(b!, bytes(bAt, bFloats));
    // C is read when beta counts, and when its rows have gaps (written back whole, they must keep their values).
    if (beta !== 0 || ldc !== n) Deno.UnsafePointerView.copyInto(c!, bytes(cAt, cFloats));
    kernel.sgemm(
      +transA,
      +transB,
      m,
      n,
      k,
      alpha,
      aAt,
      lda,
      bAt,
      ldb,
      beta,
      cAt,
      ldc,
      packedA,
      packedB,
      scratch,
    );
    new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(c!, 4 * cFloats)).set(bytes(cAt, cFloats));
  };
}

/**
 * The same product with scalar loops in the same order: the bits {@linkcode wasmSgemm} must give (tests).
 * Offsets and strides in floats of plain arrays.
 */
export function referenceSgemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
): void {
  const f = Math.fround;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s = f(s + f(a[transA ? p * lda + i : i * lda + p] * b[transB ? j * ldb + p : p * ldb + j]));
      }
      const scaled = f(f(alpha) * s);
      c[i * ldc + j] = beta === 0 ? scaled : f(scaled + f(f(beta) * c[i * ldc + j]));
    }
  }
}

let cached: Blas | null | undefined;

/**
 * The built-in product as a {@linkcode Blas} on `threads` threads (rows cut at {@linkcode WASM_SGEMM_ROW_TILE}),
 * opened once per process (later calls return the same handle; `setThreads` changes the count), or `null` when
 * FFI is not permitted (its operands are read and written through pointers).
 *
 * @example
 * ```ts
 * import { openWasmBlas } from "./wasm_sgemm.ts";
 * const blas = openWasmBlas(1);
 * if (blas !== null && blas.core !== "wasm-simd") throw new Error(blas.core);
 * ```
 */
export function openWasmBlas(threads: number): Blas | null {
  if (cached !== undefined) return cached;
  if (!ffiGranted()) return cached = null;
  return cached = threadedBlas({
    path: "(built in)",
    core: "wasm-simd",
    config: WASM_SGEMM_CONFIG,
    one: wasmSgemm(),
    rowTile: () => WASM_SGEMM_ROW_TILE,
    helperLibrary: null,
  }, threads);
}
