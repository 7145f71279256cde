import { assert, assertAlmostEquals, assertEquals } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { spectralNormSquared } from "./spectral_norm.ts";
import { symmetricEigen } from "./symmetric_eigen.ts";
import { matMul64, randomUnitDictionary, transpose64 } from "./_testing.ts";

await useBackend("cpu");

Deno.test("spectralNormSquared() equals the largest eigenvalue of AᵀA from the symmetric eigensolver", () => {
  // Float32 Gram matrix on the backend: agreement to 1e-5 relative.
  const rng = new Rng(80);
  const [d, k] = [40, 60];
  const aArr = randomUnitDictionary(rng, d, k);
  const gram = matMul64(transpose64(aArr, d, k), aArr, k, d, k);
  const { values } = symmetricEigen(gram, k, { vectors: false });
  const a = tf.tensor2d(aArr, [d, k]);
  const before = tf.memory().numTensors;
  const r = spectralNormSquared(a);
  assertEquals(tf.memory().numTensors, before);
  assertAlmostEquals(r.value, values[k - 1], 1e-5 * values[k - 1]);
  // warm-starting from the returned vector converges at once
  const warm = spectralNormSquared(a, { v0: r.vector });
  assert(warm.iterations <= 3, `warm start took ${warm.iterations} iterations`);
  assertAlmostEquals(warm.value, r.value, 1e-9 * r.value);
  a.dispose();
});
