/**
 * A helper thread of `row_split.ts`: opens its product — OpenBLAS (single-threaded) at `libraryPath`, or the
 * built-in WebAssembly one when that is `null` — and runs the row blocks posted in its control block until the
 * process ends (a block that throws is marked failed, for the caller to compute). It never returns to its event
 * loop.
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import { SGEMM_SYMBOLS, singleThreadSgemm } from "./openblas.ts";
import { type Sgemm, SLOT, waitWhile } from "./row_split.ts";
import { wasmSgemm } from "./wasm_sgemm.ts";

const { buffer, libraryPath } = workerData as { buffer: SharedArrayBuffer; libraryPath: string | null };
const slots = new Int32Array(buffer);
const floats = new Float32Array(buffer, SLOT.floats * 4, 2);
const pointers = new BigInt64Array(buffer, SLOT.pointerBytes, 3);

let sgemm: Sgemm | null = null;
try {
  sgemm = libraryPath === null ? wasmSgemm() : singleThreadSgemm(Deno.dlopen(libraryPath, SGEMM_SYMBOLS));
} catch {
  sgemm = null;
}
Atomics.store(slots, SLOT.state, sgemm === null ? -1 : 1);
Atomics.notify(slots, SLOT.state);

if (sgemm !== null) {
  for (let done = 0;;) {
    waitWhile(slots, SLOT.posted, done);
    done++;
    const [transA, transB, m, n, k, lda, ldb, ldc] = slots.subarray(SLOT.ints, SLOT.ints + 8);
    const p = (i: number) => Deno.UnsafePointer.create(pointers[i]);
    try {
      sgemm(Boolean(transA), Boolean(transB), m, n, k, floats[0], p(0), lda, p(1), ldb, floats[1], p(2), ldc);
    } catch {
      // the caller computes this block itself and reports its error; this thread stays to finish later jobs
      Atomics.store(slots, SLOT.failed, done);
    }
    Atomics.store(slots, SLOT.finished, done);
    Atomics.notify(slots, SLOT.finished);
  }
}
