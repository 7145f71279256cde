/**
 * `sgemm` on several cores with results that do not depend on how many: the rows of C are cut into blocks at
 * multiples of OpenBLAS's row tile, and each block is one single-threaded `sgemm` call on its own thread.
 *
 * Why: OpenBLAS's own threading changes the bits of a product (measured on its Haswell kernels: 2–8% of the
 * elements of the training step's products differ between 1 and 2 threads), so a stage's results would depend
 * on the cores the engine gave it (`--jobs`), which its cache key does not record; and on the small products of
 * a training step it is no faster (a J = 1 step: 19.9 ms on 2 threads, 19.7 ms on 1). An element of C is
 * computed by the micro-kernel that covers its row tile, so a cut at a multiple of the tile leaves every
 * element's arithmetic as one call does it (bit-identical); elsewhere it does not (a cut at 16 rows changes
 * the edge rows). The tile depends on the kernels OpenBLAS runs, so {@linkcode findRowTile} measures it: the
 * smallest candidate at which cut products equal whole ones on a fixed set of shapes, all four transposes,
 * β = 0 and 1 (24 rows on the Haswell kernels; no cut is used when no candidate passes).
 *
 * The helper threads are `node:worker_threads` workers (unref'd: they never keep the process alive) that open
 * the same library (or the built-in product, `wasm_sgemm.ts`) and wait on a shared control block; the calling
 * thread runs the first block itself.
 *
 * @module
 */
import { Worker } from "node:worker_threads";

/** `C ← alpha·op(A)·op(B) + beta·C`, row-major, on raw pointers: the signature of `cblas_sgemm` less its order. */
export type Sgemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Deno.PointerValue,
  lda: number,
  b: Deno.PointerValue,
  ldb: number,
  beta: number,
  c: Deno.PointerValue,
  ldc: number,
) => void;

/** Row tiles tried, smallest first; a block of a product is never cut below one tile. */
export const ROW_TILE_CANDIDATES: readonly number[] = [8, 16, 24, 32, 48, 64];

/**
 * Products smaller than this many multiply-adds per block run whole: a cut costs a hand-over (~10 µs), and
 * some OpenBLAS builds switch to a separate small-matrix kernel below 100³ multiply-adds per call.
 */
export const MIN_BLOCK_MACS = 2 ** 21;

/** Row boundaries [0, r₁, …, m] of `parts` blocks cut at multiples of `tile` (as even as the tile allows). */
export function rowBlocks(m: number, parts: number, tile: number): number[] {
  const cuts = [0];
  for (let i = 1; i < parts; i++) {
    const r = tile * Math.round((m * i) / parts / tile);
    if (r > cuts.at(-1)! && r < m) cuts.push(r);
  }
  cuts.push(m);
  return cuts;
}

/** The byte offset of row `r` of a stored matrix with row stride `ld` (floats) — of column `r` when transposed. */
const rowOffset = (r: number, ld: number, transposed: boolean) => 4 * (transposed ? r : r * ld);

/**
 * (rows beyond three of the largest candidate tiles, n, k) of the products {@linkcode findRowTile} compares: wide and narrow, short and long
 * sums, each block above {@linkcode MIN_BLOCK_MACS} as the blocks of real products are.
 */
export const TILE_CHECK_SHAPES: readonly (readonly [number, number, number])[] = [
  [5, 300, 700],
  [13, 530, 250],
  [1, 97, 1300],
];

/**
 * The smallest candidate tile at which `sgemm`'s products cut into row blocks equal the whole products bit for
 * bit, or `null`. Deterministic (fixed shapes and values).
 */
export function findRowTile(
  sgemm: Sgemm,
  { candidates = ROW_TILE_CANDIDATES, shapes = TILE_CHECK_SHAPES }: {
    candidates?: readonly number[];
    /** (rows beyond three of the largest candidate tiles, n, k) of the products compared. */
    shapes?: readonly (readonly [number, number, number])[];
  } = {},
): number | null {
  let seed = 12345;
  const random = (n: number) => {
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      v[i] = seed / 2 ** 31 - 1;
    }
    return v;
  };
  const ptr = (v: Float32Array, bytes = 0) => Deno.UnsafePointer.offset(Deno.UnsafePointer.of(v)!, bytes);
  for (const tile of candidates) {
    let equal = true;
    for (const [extra, n, k] of shapes) {
      // Whole products span several of any candidate's tiles (a product smaller than the kernels' own tile is
      // all edge, and cuts of it would agree at any tile); cut after the first tile and near the middle.
      const m = 3 * Math.max(...candidates) + extra;
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = random(m * k), b = random(k * n), c0 = random(m * n);
          const lda = transA ? m : k, ldb = transB ? k : n;
          for (const [alpha, beta] of [[1, 0], [0.5, 1]]) {
            const whole = c0.slice(), cut = c0.slice();
            sgemm(transA, transB, m, n, k, alpha, ptr(a), lda, ptr(b), ldb, beta, ptr(whole), n);
            const cuts = [0, tile, tile * Math.floor(m / 2 / tile), m];
            for (let i = 0; i + 1 < cuts.length; i++) {
              const r = cuts[i];
              sgemm(
                transA,
                transB,
                cuts[i + 1] - r,
                n,
                k,
                alpha,
                ptr(a, rowOffset(r, lda, transA)),
                lda,
                ptr(b),
                ldb,
                beta,
                ptr(cut, rowOffset(r, n, false)),
                n,
              );
            }
            if (!whole.every((x, i) => Object.is(x, cut[i]))) equal = false;
          }
        }
      }
    }
    if (equal) return tile;
  }
  return null;
}

/** Control block of one helper, as 32-bit slots of a SharedArrayBuffer (see `row_split_worker.ts`). */
export const SLOT = {
  /** Job counter: the caller bumps it to post a job. */
  posted: 0,
  /** The last job the helper finished. */
  finished: 1,
  /** 0 starting, 1 ready, −1 failed to open the library. */
  state: 2,
  /** The last job whose block threw on the helper (the caller then computes that block itself). */
  failed: 13,
  /** transA, transB, m, n, k, lda, ldb, ldc as int32 from here. */
  ints: 3,
  /** alpha, beta as float32 at this slot. */
  floats: 11,
  /** a, b, c as 64-bit addresses from this byte. */
  pointerBytes: 64,
  bytes: 96,
} as const;

/** Spins before a thread sleeps on the control block: a step's next product usually follows within ~50 µs. */
const SPINS = 20_000;

/** Wait until `slots[index]` differs from `value`: spin briefly, then sleep on it. */
export function waitWhile(slots: Int32Array, index: number, value: number): void {
  for (let i = 0; i < SPINS; i++) if (Atomics.load(slots, index) !== value) return;
  while (Atomics.load(slots, index) === value) Atomics.wait(slots, index, value, 1000);
}

/** How long a helper may take to start (load its module, open the library) before products stay whole. */
const HELPER_START_MS = 20_000;

const address = (p: Deno.PointerValue) => BigInt(Deno.UnsafePointer.value(p));

/** Helpers that run row blocks of `sgemm` calls; `run` uses the calling thread for the first block. */
export class RowSplitter {
  readonly #sgemm: Sgemm;
  readonly #tile: number;
  readonly #libraryPath: string | null;
  #helpers: { worker: Worker; slots: Int32Array; floats: Float32Array; pointers: BigInt64Array }[] = [];
  #broken = false;

  /**
   * `tile` from {@linkcode findRowTile} for this `sgemm` (or one known exact); helpers open `libraryPath`
   * themselves, or the built-in product (`wasm_sgemm.ts`) when it is `null`.
   */
  constructor(sgemm: Sgemm, tile: number, libraryPath: string | null) {
    this.#sgemm = sgemm;
    this.#tile = tile;
    this.#libraryPath = libraryPath;
  }

  /** The row tile blocks are cut at. */
  get tile(): number {
    return this.#tile;
  }

  /**
   * One product on up to `threads` threads (the same bits as one call); whole when it is too small to cut, or
   * when helpers could not start (then never again in this process). A block that throws on a helper is
   * computed again on the calling thread, where its error (if it has one) is thrown; later products run whole.
   * Returns, or throws, only when no helper is still writing C.
   */
  run(threads: number, ...args: Parameters<Sgemm>): void {
    const [transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc] = args;
    const parts = Math.min(threads, Math.floor(m / this.#tile), Math.floor((m * n * k) / MIN_BLOCK_MACS));
    if (parts < 2 || this.#broken || !this.#ensureHelpers(parts - 1)) return this.#sgemm(...args);
    const cuts = rowBlocks(m, parts, this.#tile);
    const aAddress = address(a), bAddress = address(b), cAddress = address(c);
    const posted: number[] = [];
    for (let i = 1; i + 1 < cuts.length; i++) {
      const h = this.#helpers[i - 1], r = cuts[i];
      h.slots.set([transA ? 1 : 0, transB ? 1 : 0, cuts[i + 1] - r, n, k, lda, ldb, ldc], SLOT.ints);
      h.floats[0] = alpha;
      h.floats[1] = beta;
      h.pointers[0] = aAddress + BigInt(rowOffset(r, lda, transA));
      h.pointers[1] = bAddress;
      h.pointers[2] = cAddress + BigInt(rowOffset(r, ldc, false));
      posted.push(Atomics.add(h.slots, SLOT.posted, 1) + 1);
      Atomics.notify(h.slots, SLOT.posted);
    }
    const failed: number[] = [];
    try {
      this.#sgemm(transA, transB, cuts[1], n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    } finally {
      for (const [i, job] of posted.entries()) {
        const slots = this.#helpers[i].slots;
        while (Atomics.load(slots, SLOT.finished) !== job) waitWhile(slots, SLOT.finished, job - 1);
        if (Atomics.load(slots, SLOT.failed) === job) failed.push(i);
      }
    }
    if (failed.length > 0) this.#broken = true;
    for (const i of failed) {
      // the block as posted: its row count and its own A and C addresses are still in the control block
      const h = this.#helpers[i], p = (j: number) => Deno.UnsafePointer.create(h.pointers[j]);
      this.#sgemm(transA, transB, h.slots[SLOT.ints + 2], n, k, alpha, p(0), lda, b, ldb, beta, p(2), ldc);
    }
  }

  /** Start helpers until there are `count` (blocking while they open their product); false if one failed. */
  #ensureHelpers(count: number): boolean {
    while (this.#helpers.length < count) {
      const buffer = new SharedArrayBuffer(SLOT.bytes);
      const slots = new Int32Array(buffer);
      const worker = new Worker(new URL("./row_split_worker.ts", import.meta.url), {
        workerData: { buffer, libraryPath: this.#libraryPath },
      });
      worker.unref();
      const deadline = performance.now() + HELPER_START_MS;
      while (Atomics.load(slots, SLOT.state) === 0 && performance.now() < deadline) {
        Atomics.wait(slots, SLOT.state, 0, 50);
      }
      if (Atomics.load(slots, SLOT.state) !== 1) {
        worker.terminate();
        this.#broken = true;
        return false;
      }
      this.#helpers.push({
        worker,
        slots,
        floats: new Float32Array(buffer, SLOT.floats * 4, 2),
        pointers: new BigInt64Array(buffer, SLOT.pointerBytes, 3),
      });
    }
    return true;
  }
}
