/** The built-in wasm-simd sgemm against scalar loops with its arithmetic (bit for bit), and its copies. */
import { referenceSgemm, wasmSgemm } from "./wasm_sgemm.ts";

let seed = 11;
const random = (n: number) =>
  Float32Array.from(
    { length: n },
    () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1,
  );
const ptr = (v: Float32Array) => Deno.UnsafePointer.of(v);

Deno.test("wasmSgemm gives the bits of in-order float32 loops: every transpose, edge, stride, alpha and beta", () => {
  const sgemm = wasmSgemm();
  // edges of the 4×8 blocks on both sides, k = 1, a training step's shape, and a product of 1 row
  const shapes = [[1, 1, 1], [3, 5, 7], [4, 8, 16], [13, 17, 9], [100, 256, 256], [37, 100, 3], [1, 300, 70]];
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [alpha, beta, pad] of [[1, 0, 0], [0.5, 1.5, 3], [-2, 1, 1]]) {
          // strides wider than the rows (pad floats between them), as the dense stack's side-by-side heads use
          const lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
          const a = random((transA ? k : m) * lda), b = random((transB ? n : k) * ldb), c0 = random(m * ldc);
          const got = c0.slice(), want = c0.slice();
          sgemm(transA, transB, m, n, k, alpha, ptr(a), lda, ptr(b), ldb, beta, ptr(got), ldc);
          referenceSgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc);
          const i = got.findIndex((x, i) => !Object.is(x, want[i]));
          if (i >= 0) {
            throw new Error(
              `${m}×${n}×${k} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta} pad=${pad}: ` +
                `element ${i} is ${got[i]}, in-order loops give ${want[i]}`,
            );
          }
        }
      }
    }
  }
});

Deno.test("wasmSgemm with beta = 0 ignores what C held (NaN included) and keeps the gaps between its rows", () => {
  const sgemm = wasmSgemm();
  const a = new Float32Array([1, 2]), b = new Float32Array([3, 4]);
  const c = new Float32Array([NaN, -1, NaN]); // a 2×1 C with ldc = 2: element 1 is not C's
  sgemm(false, false, 2, 1, 1, 1, ptr(a), 1, ptr(b.subarray(0, 1)), 1, 0, ptr(c), 2);
  if (c.join() !== "3,-1,6") throw new Error(c.join());
});

Deno.test("wasmSgemm grows its memory for products larger than the last", () => {
  const sgemm = wasmSgemm();
  for (const size of [8, 300, 40]) {
    const a = random(size * size), c = new Float32Array(size * size), want = new Float32Array(size * size);
    sgemm(false, true, size, size, size, 1, ptr(a), size, ptr(a), size, 0, ptr(c), size);
    referenceSgemm(false, true, size, size, size, 1, a, size, a, size, 0, want, size);
    if (!c.every((x, i) => Object.is(x, want[i]))) throw new Error(`size ${size}: a·aᵀ differs`);
  }
});

Deno.test("wasmSgemm refuses a product that needs more than a WebAssembly memory holds, in one line", () => {
  const sgemm = wasmSgemm();
  const a = random(4), b = random(4), c = new Float32Array(4);
  // rows of A 2^30 floats apart: its span alone is 4 GiB (nothing is read before the check)
  try {
    sgemm(false, false, 2, 2, 2, 1, ptr(a), 2 ** 30, ptr(b), 2, 0, ptr(c), 2);
  } catch (e) {
    const message = (e as Error).message;
    if (!message.startsWith("Cannot multiply 2×2 by 2×2 on the built-in wasm-simd sgemm")) throw e;
    return;
  }
  throw new Error("a 4 GiB operand was accepted");
});
