/**
 * Finding and opening OpenBLAS through `Deno.dlopen`, for the fast matrix-multiply kernels.
 *
 * Search order: the file named by `VSC_BLAS_LIB`, then `libopenblas.so.0` in the system library directory and
 * in the Debian alternatives directories (`openblas-pthread/`, `openblas-openmp/`, `openblas-serial/`).
 * `VSC_BLAS=off` disables the search. Anything missing — the file, the symbol, the `--allow-ffi` permission —
 * gives `null`, and callers keep the stock tfjs kernels.
 *
 * @module
 */
import { type Blas, blasThreads, ffiGranted, readEnv, threadedBlas } from "./blas.ts";
import { findRowTile, type Sgemm } from "./row_split.ts";

/** Row-major order, no transpose and transpose, as `cblas.h` numbers them. */
export const CBLAS_ROW_MAJOR = 101;
export const CBLAS_NO_TRANS = 111;
export const CBLAS_TRANS = 112;

/** The entry points opened (also by the helper threads of `row_split.ts`). */
export const SGEMM_SYMBOLS = {
  // void cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
  cblas_sgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "pointer",
      "i32",
      "pointer",
      "i32",
      "f32",
      "pointer",
      "i32",
    ],
    result: "void",
  },
  openblas_set_num_threads: { parameters: ["i32"], result: "void" },
  openblas_get_num_threads: { parameters: [], result: "i32" },
  // The kernel family in use ("Haswell", "SkylakeX", …); optional: only reported.
  openblas_get_corename: { parameters: [], result: "pointer", optional: true },
  // Version, build options and kernel family ("OpenBLAS 0.3.21 … Haswell MAX_THREADS=64"); optional.
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
} as const;

/** Where `libopenblas.so.0` is looked for when `VSC_BLAS_LIB` is unset, first match wins. */
export const OPENBLAS_CANDIDATES: readonly string[] = [
  "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
  "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
  "/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
  "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/usr/lib64/libopenblas.so.0",
  "/usr/local/lib/libopenblas.so.0",
  "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
  "/usr/local/opt/openblas/lib/libopenblas.dylib",
];

/** Options of {@linkcode openOpenBlas}. */
export interface OpenBlasOptions {
  /** Environment to read `VSC_BLAS`, `VSC_BLAS_LIB` and `VSC_BLAS_THREADS` from. @default Deno.env (when allowed) */
  env?: Record<string, string | undefined>;
  /** Threads per call; `VSC_BLAS_THREADS` overrides. @default PIPELINE_STAGE_THREADS, else navigator.hardwareConcurrency */
  threads?: number;
}

let cached: Blas | null | undefined;

/**
 * Open OpenBLAS once per process (later calls return the same handle), or `null` when it is absent,
 * disabled with `VSC_BLAS=off`, or FFI is not permitted.
 *
 * @example
 * ```ts
 * import { openOpenBlas } from "./openblas.ts";
 * const blas = openOpenBlas({ env: { VSC_BLAS: "off" } });
 * if (blas !== null) throw new Error("VSC_BLAS=off must disable OpenBLAS");
 * ```
 */
export function openOpenBlas(options: OpenBlasOptions = {}): Blas | null {
  const env = options.env ?? readEnv();
  if ((env.VSC_BLAS ?? "").toLowerCase() === "off") return null;
  if (cached !== undefined) return cached;
  const paths = env.VSC_BLAS_LIB ? [env.VSC_BLAS_LIB] : OPENBLAS_CANDIDATES;
  const threads = blasThreads(env, options.threads);
  cached = null;
  for (const path of paths) {
    const lib = tryOpen(path);
    if (lib !== null) {
      cached = wrap(path, lib, threads);
      break;
    }
  }
  return cached;
}

/** OpenBLAS opened with {@linkcode SGEMM_SYMBOLS}. */
export type Lib = Deno.DynamicLibrary<typeof SGEMM_SYMBOLS>;

function tryOpen(path: string): Lib | null {
  try {
    return Deno.dlopen(path, SGEMM_SYMBOLS);
  } catch {
    // Missing file, missing symbol, or no --allow-ffi: all mean "use the stock kernels".
    return null;
  }
}

function wrap(path: string, lib: Lib, threads: number): Blas {
  const one = singleThreadSgemm(lib);
  return threadedBlas({
    path,
    core: coreName(lib),
    config: configString(lib),
    one,
    rowTile: () => findRowTile(one),
    helperLibrary: path,
  }, threads);
}

/**
 * `cblas_sgemm` of an opened library as an {@linkcode Sgemm}, on one thread: OpenBLAS's own threads change a
 * product's bits with their count (`row_split.ts`), so several cores cut the rows between calls instead.
 */
export function singleThreadSgemm(lib: Lib): Sgemm {
  const s = lib.symbols;
  s.openblas_set_num_threads(1);
  return (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) =>
    s.cblas_sgemm(
      CBLAS_ROW_MAJOR,
      transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
      transB ? CBLAS_TRANS : CBLAS_NO_TRANS,
      m,
      n,
      k,
      alpha,
      a,
      lda,
      b,
      ldb,
      beta,
      c,
      ldc,
    );
}

function coreName(lib: Lib): string {
  const name = lib.symbols.openblas_get_corename?.();
  return name ? new Deno.UnsafePointerView(name).getCString() : "unknown";
}

function configString(lib: Lib): string {
  const config = lib.symbols.openblas_get_config?.();
  return config
    ? new Deno.UnsafePointerView(config).getCString()
    : `OpenBLAS (version unknown), ${coreName(lib)} kernels`;
}

/**
 * One line for the user when OpenBLAS cannot be used — why, and the command that enables it — or undefined
 * when it can. Training on the built-in product is 2–3× slower (README, "Speed").
 *
 * @example
 * ```ts
 * import { openBlasNotice } from "./openblas.ts";
 * const line = openBlasNotice({ env: { VSC_BLAS: "off" } });
 * if (!line?.startsWith("VSC_BLAS=off")) throw new Error(String(line));
 * ```
 */
export function openBlasNotice(options: OpenBlasOptions = {}): string | undefined {
  const env = options.env ?? readEnv();
  if ((env.VSC_BLAS ?? "").toLowerCase() === "off") {
    return "VSC_BLAS=off: matrix products run on the slower built-in wasm-simd sgemm; unset VSC_BLAS to use OpenBLAS";
  }
  if (openOpenBlas(options) !== null) return undefined;
  if (!ffiGranted()) {
    return "Cannot call OpenBLAS or the built-in wasm-simd sgemm without FFI permission: matrix products run on " +
      "tfjs-wasm's own, several times slower; run deno with --allow-ffi (or -A)";
  }
  return "OpenBLAS not found: matrix products run on the built-in wasm-simd sgemm, 2–3× slower (README, Speed); " +
    "enable the fast path with `sudo apt-get install libopenblas0-pthread` (Debian/Ubuntu) " +
    "or VSC_BLAS_LIB=<path to libopenblas.so.0>";
}
