import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../testing/assert.ts";
import { Rng } from "../tensor/rng.ts";
import { symmetricEigen } from "./symmetric_eigen.ts";

/** A random symmetric matrix Q diag(λ) Qᵀ with a random orthogonal Q (QR of a Gaussian by Gram–Schmidt). */
function planted(rng: Rng, lambdas: number[]): Float64Array {
  const n = lambdas.length;
  const q = Float64Array.from(rng.normalArray(n * n)); // rows are orthonormalised
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[i * n + k] * q[j * n + k];
      for (let k = 0; k < n; k++) q[i * n + k] -= dot * q[j * n + k];
    }
    let s = 0;
    for (let k = 0; k < n; k++) s += q[i * n + k] ** 2;
    for (let k = 0; k < n; k++) q[i * n + k] /= Math.sqrt(s);
  }
  const a = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[k * n + r] * lambdas[k] * q[k * n + c];
      a[r * n + c] = s;
    }
  }
  return a;
}

Deno.test("symmetricEigen() recovers planted eigenvalues, including repeated and zero ones", () => {
  const rng = new Rng(40);
  const lambdas = [5, -2, 0, 0, 1.5, 1.5, 1.5, 3, 1e-3, 7, -4, 2];
  const a = planted(rng, lambdas);
  const { values } = symmetricEigen(a, lambdas.length);
  const sorted = [...lambdas].sort((x, y) => x - y);
  sorted.forEach((l, i) => assertAlmostEquals(values[i], l, 1e-12));
  const valuesOnly = symmetricEigen(a, lambdas.length, { vectors: false });
  assertEquals(valuesOnly.vectors, undefined);
  sorted.forEach((l, i) => assertAlmostEquals(valuesOnly.values[i], l, 1e-12));
});

Deno.test("symmetricEigen() vectors satisfy A v = λ v and are orthonormal", () => {
  const rng = new Rng(41);
  const n = 40;
  const g = rng.normalArray(n * n);
  const a = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) a[r * n + c] = g[r * n + c] + g[c * n + r];
  const { values, vectors } = symmetricEigen(a, n);
  const v = vectors!;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += a[r * n + c] * v[i * n + c];
      assertAlmostEquals(s, values[i] * v[i * n + r], 1e-11);
    }
    for (let j = 0; j <= i; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += v[i * n + k] * v[j * n + k];
      assertAlmostEquals(dot, i === j ? 1 : 0, 1e-12);
    }
  }
  for (let i = 1; i < n; i++) assert(values[i - 1] <= values[i], "values must ascend");
});

Deno.test("symmetricEigen() handles 1×1, diagonal and zero matrices", () => {
  assertEquals(Array.from(symmetricEigen(new Float64Array([4]), 1).values), [4]);
  assertEquals(Array.from(symmetricEigen(new Float64Array([3, 0, 0, -1]), 2).values), [-1, 3]);
  assertEquals(Array.from(symmetricEigen(new Float64Array(9), 3).values), [0, 0, 0]);
});

Deno.test("symmetricEigen() rejects non-finite entries and wrong sizes", () => {
  assertThrows(() => symmetricEigen(new Float64Array([1, NaN, NaN, 1]), 2), RangeError, "is NaN");
  assertThrows(() => symmetricEigen(new Float64Array(3), 2), RangeError, "do not fill");
});
