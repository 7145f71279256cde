/**
 * Row-split products: the cuts, the tile search (on a JavaScript product whose edge rows sum in another order,
 * as OpenBLAS's edge kernels do), and, where OpenBLAS is installed, the same bits on 1, 2 and 3 threads.
 */
import { findRowTile, rowBlocks, RowSplitter, type Sgemm } from "./row_split.ts";
import { openOpenBlas } from "./openblas.ts";
import { openWasmBlas, wasmSgemm } from "./wasm_sgemm.ts";

/** `random(n)`: n floats in [−1, 1) from a small LCG seeded with `seed`, the same on every run. */
function uniforms(seed: number): (n: number) => Float32Array {
  return (n) =>
    Float32Array.from(
      { length: n },
      () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1,
    );
}

Deno.test("rowBlocks cuts at multiples of the tile and covers every row once, with no empty block", () => {
  const cases: [number, number, number, number[]][] = [
    [100, 2, 24, [0, 48, 100]],
    [100, 3, 24, [0, 24, 72, 100]],
    [1024, 2, 24, [0, 504, 1024]],
    [50, 4, 24, [0, 24, 48, 50]], // no empty or duplicate block where the tile is coarse
    [10, 2, 24, [0, 10]],
  ];
  for (const [m, parts, tile, want] of cases) {
    const got = rowBlocks(m, parts, tile);
    if (got.join() !== want.join()) {
      throw new Error(`rowBlocks(${m}, ${parts}, ${tile}) = ${got}, expected ${want}`);
    }
  }
});

/**
 * A row-major float32 product on raw pointers in which the rows past the last whole `tile` of a call sum their
 * terms last to first: cutting a product changes those rows' bits unless the cut falls on a multiple of `tile`.
 */
function edgeOrderSgemm(tile: number): Sgemm {
  const view = (p: Deno.PointerValue, floats: number) =>
    new Float32Array(Deno.UnsafePointerView.getArrayBuffer(p!, 4 * floats));
  return (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    const A = view(a, (transA ? k : m) * lda),
      B = view(b, (transB ? n : k) * ldb),
      C = view(c, (m - 1) * ldc + n);
    const whole = Math.floor(m / tile) * tile;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let t = 0; t < k; t++) {
          const p = i < whole ? t : k - 1 - t;
          sum = Math.fround(
            sum + (transA ? A[p * lda + i] : A[i * lda + p]) * (transB ? B[j * ldb + p] : B[p * ldb + j]),
          );
        }
        C[i * ldc + j] = Math.fround(alpha * sum + beta * C[i * ldc + j]);
      }
    }
  };
}

Deno.test("findRowTile finds the smallest cut that keeps every element's arithmetic, or none", () => {
  const shapes = [[5, 7, 9], [3, 4, 17]] as const;
  const candidates = [8, 16, 24, 32, 48];
  for (const tile of [16, 24]) {
    const found = findRowTile(edgeOrderSgemm(tile), { candidates, shapes });
    if (found !== tile) throw new Error(`tile ${tile}: findRowTile returned ${found}`);
  }
  // a product whose every row sums last to first is the same however it is cut: the first candidate passes
  if (findRowTile(edgeOrderSgemm(1), { candidates, shapes }) !== 8) throw new Error("order-free product");
  // edges of 64 rows: no candidate up to 48 is exact
  if (findRowTile(edgeOrderSgemm(64), { candidates, shapes }) !== null) throw new Error("no exact tile");
});

for (
  const [label, blas] of [["OpenBLAS", openOpenBlas()], [
    "the built-in wasm-simd sgemm",
    openWasmBlas(2),
  ]] as const
) {
  Deno.test({
    name:
      `${label} products give the same bits on 1, 2 and 3 threads (the training step's shapes and random ones)`,
    ignore: blas === null,
    fn() {
      const b = blas!;
      if (b.rowTile === null) throw new Error(`no exact row tile found for ${label}'s ${b.core} kernels`);
      const random = uniforms(7);
      const ptr = (v: Float32Array) => Deno.UnsafePointer.of(v)!;
      const shapes = [[100, 1024, 512], [1024, 512, 100], [100, 256, 256], [2000, 256, 256], [777, 301, 129]];
      const saved = b.threads;
      try {
        for (const [m, n, k] of shapes) {
          for (const transA of [false, true]) {
            for (const transB of [false, true]) {
              const a = random(m * k), bm = random(k * n), c0 = random(m * n);
              const outs = [1, 2, 3].map((threads) => {
                b.setThreads(threads);
                const c = c0.slice();
                b.sgemm(
                  transA,
                  transB,
                  m,
                  n,
                  k,
                  0.5,
                  ptr(a),
                  transA ? m : k,
                  ptr(bm),
                  transB ? k : n,
                  1,
                  ptr(c),
                  n,
                );
                return c;
              });
              for (const [t, c] of outs.entries()) {
                const i = c.findIndex((x, i) => !Object.is(x, outs[0][i]));
                if (i >= 0) {
                  throw new Error(
                    `${m}×${n}×${k} transA=${transA} transB=${transB}: ${t + 1} threads differ at ${i}`,
                  );
                }
              }
            }
          }
        }
      } finally {
        b.setThreads(saved);
      }
    },
  });
}

Deno.test("a product that throws on the helpers neither hangs the caller nor spoils the products after it", () => {
  const splitter = new RowSplitter(wasmSgemm(), 4, null);
  const [m, n, k] = [100, 256, 256]; // cut in two blocks
  const random = uniforms(3);
  const a = random(m * k), b = random(k * n), c = new Float32Array(m * n), whole = new Float32Array(m * n);
  const ptr = (v: Float32Array) => Deno.UnsafePointer.of(v);
  // A's rows 2^28 floats apart: every block needs over 4 GiB and throws before reading anything
  let message = "";
  try {
    splitter.run(2, false, false, m, n, k, 1, ptr(a), 2 ** 28, ptr(b), n, 0, ptr(c), n);
  } catch (e) {
    message = (e as Error).message;
  }
  if (!message.startsWith("Cannot multiply")) throw new Error(`expected the size error, got "${message}"`);
  for (let i = 0; i < 3; i++) splitter.run(2, false, false, m, n, k, 1, ptr(a), k, ptr(b), n, 0, ptr(c), n);
  wasmSgemm()(false, false, m, n, k, 1, ptr(a), k, ptr(b), n, 0, ptr(whole), n);
  const i = c.findIndex((x, i) => !Object.is(x, whole[i]));
  if (i >= 0) throw new Error(`element ${i}: ${c[i]} after the failure, ${whole[i]} whole`);
});
