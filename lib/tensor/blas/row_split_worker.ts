/**
 * A helper thread of `row_split.ts`: opens OpenBLAS (single-threaded) and runs the row blocks posted in its
 * control block until the process ends. It never returns to its event loop.
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import { CBLAS_NO_TRANS, CBLAS_ROW_MAJOR, CBLAS_TRANS, SGEMM_SYMBOLS } from "./openblas.ts";
import { SLOT, waitWhile } from "./row_split.ts";

const { buffer, libraryPath } = workerData as { buffer: SharedArrayBuffer; libraryPath: string };
const slots = new Int32Array(buffer);
const floats = new Float32Array(buffer, SLOT.floats * 4, 2);
const pointers = new BigInt64Array(buffer, SLOT.pointerBytes, 3);

let lib: Deno.DynamicLibrary<typeof SGEMM_SYMBOLS> | null = null;
try {
  lib = Deno.dlopen(libraryPath, SGEMM_SYMBOLS);
  lib.symbols.openblas_set_num_threads(1);
} catch {
  lib = null;
}
Atomics.store(slots, SLOT.state, lib === null ? -1 : 1);
Atomics.notify(slots, SLOT.state);

if (lib !== null) {
  const { cblas_sgemm } = lib.symbols;
  for (let done = 0;;) {
    waitWhile(slots, SLOT.posted, done);
    done++;
    const [transA, transB, m, n, k, lda, ldb, ldc] = slots.subarray(SLOT.ints, SLOT.ints + 8);
    const p = (i: number) => Deno.UnsafePointer.create(pointers[i]);
    cblas_sgemm(
      CBLAS_ROW_MAJOR,
      transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
      transB ? CBLAS_TRANS : CBLAS_NO_TRANS,
      m,
      n,
      k,
      floats[0],
      p(0),
      lda,
      p(1),
      ldb,
      floats[1],
      p(2),
      ldc,
    );
    Atomics.store(slots, SLOT.finished, done);
    Atomics.notify(slots, SLOT.finished);
  }
}
