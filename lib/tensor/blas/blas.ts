/**
 * What the fast matrix kernels call: a single-precision product on raw pointers (`sgemm`) that may cut its rows
 * between threads, and the facts about it that decide its bits. Two implementations: OpenBLAS through FFI
 * (`openblas.ts`) and the built-in WebAssembly SIMD product (`wasm_sgemm.ts`).
 *
 * @module
 */
import { RowSplitter, type Sgemm } from "./row_split.ts";

/**
 * Whether this process may call native code through FFI: both products read and write their operands through
 * raw pointers, so without it neither can run (the kernels then keep tfjs-wasm's own products).
 */
export function ffiGranted(): boolean {
  return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
}

/** An opened BLAS: where its product comes from, its thread count and the `sgemm` entry point. */
export interface Blas {
  /** The shared library that was opened, or "(built in)". */
  readonly path: string;
  /**
   * Threads one product may use (rows cut between single-threaded calls, `row_split.ts`): any count gives the
   * same bits.
   */
  readonly threads: number;
  /** The row tile products are cut at when `threads` > 1; `null` when no cut is exact. */
  readonly rowTile: number | null;
  /**
   * The kernel family ("Haswell", "Cooperlake", … for OpenBLAS: its own choice for the CPU, or the one
   * `OPENBLAS_CORETYPE` forces; "wasm-simd" for the built-in product), or "unknown".
   */
  readonly core: string;
  /**
   * What decides a product's bits: for OpenBLAS its version, build options and kernel family, as
   * `openblas_get_config` gives them ("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64");
   * the thread count is not in it (any count gives the same bits). Cache keys name it (`pipeline/backend.ts`).
   */
  readonly config: string;
  /**
   * `C ← alpha·op(A)·op(B) + beta·C` in row-major order on raw pointers (`cblas_sgemm`).
   * `m×k` is op(A), `k×n` is op(B); `lda`, `ldb`, `ldc` are the row strides of the stored matrices.
   */
  sgemm: Sgemm;
  /** Change the thread count for later calls (results do not change). */
  setThreads(n: number): void;
}

/** What {@linkcode threadedBlas} needs of a product. */
export interface BlasSource {
  path: string;
  core: string;
  config: string;
  /** The single-threaded product on this thread. */
  one: Sgemm;
  /** The row tile, measured on first need (`null`: no exact cut, products stay whole). */
  rowTile: () => number | null;
  /** What the helper threads open: the library's path, or `null` for the built-in product. */
  helperLibrary: string | null;
}

/**
 * A {@linkcode Blas} that runs `source.one` on the calling thread and, with several threads, cuts each product's
 * rows at the source's row tile between it and helper threads.
 */
export function threadedBlas(source: BlasSource, threads: number): Blas {
  // Found once, on the first multi-threaded product: `null` (no exact cut) is an answer too.
  let splitter: RowSplitter | null | undefined;
  const rowSplitter = (): RowSplitter | null => {
    if (splitter === undefined) {
      const tile = source.rowTile();
      splitter = tile === null ? null : new RowSplitter(source.one, tile, source.helperLibrary);
    }
    return splitter;
  };
  let count = Math.max(1, Math.floor(threads));
  return {
    path: source.path,
    get threads() {
      return count;
    },
    core: source.core,
    config: source.config,
    get rowTile() {
      return rowSplitter()?.tile ?? null;
    },
    sgemm: ((...args) => {
      const split = count === 1 ? null : rowSplitter();
      return split === null ? source.one(...args) : split.run(count, ...args);
    }) as Sgemm,
    setThreads(n: number) {
      count = Math.max(1, Math.floor(n));
    },
  };
}

/** The thread count a stage's products use: `VSC_BLAS_THREADS`, else the caller's, else the engine's share. */
export function blasThreads(env: Record<string, string | undefined>, threads?: number): number {
  // PIPELINE_STAGE_THREADS is the engine's share of the cores for a stage running beside others.
  return Number(env.VSC_BLAS_THREADS) || threads || Number(env.PIPELINE_STAGE_THREADS) ||
    navigator.hardwareConcurrency || 1;
}

/** The environment, or nothing when `--allow-env` is missing (then behave as if nothing is set). */
export function readEnv(): Record<string, string | undefined> {
  try {
    return Deno.env.toObject();
  } catch {
    return {};
  }
}
