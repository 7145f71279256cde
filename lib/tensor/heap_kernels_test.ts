/** The float64 loops of `simd/heap_kernels.wat` give the bits of the JavaScript loops they stand for. */
import { assertEquals } from "../testing/assert.ts";
import { dotF64, f64Loops } from "./heap_kernels.ts";
import { Rng } from "./rng.ts";

const bits = (v: Float64Array) =>
  Array.from(new BigUint64Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));

Deno.test("dot_f64, matvec_f64 and reorthogonalise_f64 equal the JavaScript loops bit for bit", () => {
  const rng = new Rng(7);
  for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 64, 255, 256]) {
    const m = 1 + (n % 5);
    const memory = new WebAssembly.Memory({ initial: Math.ceil((8 * (n * n + m * n + 2 * n)) / 65536) });
    const loops = f64Loops(memory);
    // g [n×n], basis [m×n], q [n], w [n], back to back; values spanning magnitudes, so rounding shows
    const at = { g: 0, basis: 8 * n * n, q: 8 * (n * n + m * n), w: 8 * (n * n + m * n + n) };
    const g = new Float64Array(memory.buffer, at.g, n * n),
      basis = new Float64Array(memory.buffer, at.basis, m * n);
    const q = new Float64Array(memory.buffer, at.q, n), w = new Float64Array(memory.buffer, at.w, n);
    for (const v of [g, basis, q]) {
      for (let i = 0; i < v.length; i++) v[i] = rng.normal() * 10 ** (rng.next() * 6 - 3);
    }

    assertEquals(loops.dot_f64(at.q, at.q, n), dotF64(q, q), `dot, n = ${n}`);
    const expected = new Float64Array(n);
    for (let r = 0; r < n; r++) expected[r] = dotF64(g.subarray(r * n, (r + 1) * n), q);
    loops.matvec_f64(at.g, at.q, at.w, n);
    assertEquals(bits(w), bits(expected), `matvec, n = ${n}`);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < m; i++) {
        const row = basis.subarray(i * n, (i + 1) * n), c = dotF64(row, expected);
        for (let r = 0; r < n; r++) expected[r] -= c * row[r];
      }
    }
    loops.reorthogonalise_f64(at.basis, m, at.w, n);
    assertEquals(bits(w), bits(expected), `reorthogonalise, n = ${n}, m = ${m}`);
  }
});
