import { assert, assertAlmostEquals, assertEquals } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { spectralNormSquared } from "./spectral_norm.ts";
import { symmetricEigen } from "./symmetric_eigen.ts";
import { matMul64, randomUnitDictionary, transpose64 } from "./_testing.ts";

await useBackend("cpu");

Deno.test("spectralNormSquared() equals the largest eigenvalue of AᵀA from the symmetric eigensolver", async () => {
  // Float32 Gram matrix on the backend: agreement to 1e-5 relative.
  const rng = new Rng(80);
  const [d, k] = [40, 60];
  const aArr = randomUnitDictionary(rng, d, k);
  const gram = matMul64(transpose64(aArr, d, k), aArr, k, d, k);
  const { values } = symmetricEigen(gram, k, { vectors: false });
  const a = tf.tensor2d(aArr, [d, k]);
  const before = tf.memory().numTensors;
  const r = await spectralNormSquared(a);
  assertEquals(tf.memory().numTensors, before);
  assertAlmostEquals(r.value, values[k - 1], 1e-5 * values[k - 1]);
  // warm-starting from the returned vector converges at once
  const warm = await spectralNormSquared(a, { v0: r.vector });
  assert(warm.iterations <= 3, `warm start took ${warm.iterations} iterations`);
  assertAlmostEquals(warm.value, r.value, 1e-9 * r.value);
  a.dispose();
});

Deno.test("spectralNormSquared() converges on a crowded spectrum (256×256 random dictionary) with a small residual", async () => {
  const rng = new Rng(3);
  const n = 256;
  const aArr = randomUnitDictionary(rng, n, n);
  const gram = matMul64(transpose64(aArr, n, n), aArr, n, n, n);
  const top = symmetricEigen(gram, n, { vectors: false }).values[n - 1];
  const a = tf.tensor2d(aArr, [n, n]);
  const r = await spectralNormSquared(a);
  a.dispose();
  assert(r.iterations < 150, `took ${r.iterations} Lanczos steps`);
  assertAlmostEquals(r.value, top, 1e-5 * top); // the Gram matrix is formed in float32
  // residual ‖G v − θ v‖ of the returned pair, with G in float64
  let residual = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += gram[i * n + j] * r.vector[j];
    residual += (s - r.value * r.vector[i]) ** 2;
  }
  assert(Math.sqrt(residual) < 1e-5 * top, `residual ${Math.sqrt(residual)}`);
});

Deno.test("spectralNormSquared() gives the same bits with a given Gram matrix, and after larger and smaller calls", async () => {
  for (const backend of ["cpu", "wasm"] as const) {
    await useBackend(backend);
    const rng = new Rng(5);
    const small = tf.tensor2d(randomUnitDictionary(rng, 20, 30), [20, 30]);
    const large = tf.tensor2d(randomUnitDictionary(rng, 64, 96), [64, 96]);
    const first = await spectralNormSquared(small); // the module's memory at its first size
    await spectralNormSquared(large); // grown
    const again = await spectralNormSquared(small); // the same memory, larger than needed, with old contents
    const gram = tf.tidy(() => tf.matMul(tf.transpose(small), small)) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const given = await spectralNormSquared(small, { gram });
    assertEquals(tf.memory().numTensors, before, "the caller's Gram matrix is not disposed");
    for (const r of [again, given]) {
      assertEquals([r.value, r.iterations], [first.value, first.iterations], backend);
      assertEquals(Array.from(r.vector), Array.from(first.vector), backend);
    }
    tf.dispose([small, large, gram]);
  }
  await useBackend("cpu");
});
