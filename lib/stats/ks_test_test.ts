import { assert, assertAlmostEquals, assertEquals } from "../testing/assert.ts";
import { Rng } from "../tensor/rng.ts";
import { ksTestGreater } from "./ks_test.ts";

Deno.test("ksTestGreater() statistic is the largest F_a − F_b, and the p-value Smirnov's limit", () => {
  // F_a − F_b peaks after x = 2 (a: 2/4 below, b: 0/4 below) at 0.5; n = m = 4 → p = exp(−2·0.25·2) = e⁻¹
  const r = ksTestGreater([1, 2, 3, 4], [3, 4, 5, 6]);
  assertEquals(r.statistic, 0.5);
  assertAlmostEquals(r.pValue, Math.exp(-1), 1e-12);
  // The other direction: F_a − F_b ≤ 0 everywhere → D⁺ = 0, p = 1
  assertEquals(ksTestGreater([3, 4, 5, 6], [1, 2, 3, 4]).statistic, 0);
  assertEquals(ksTestGreater([3, 4, 5, 6], [1, 2, 3, 4]).pValue, 1);
});

Deno.test("ksTestGreater() rejects a shift of 0.2 sd with 5,000 samples and accepts equal samples", () => {
  const rng = new Rng(1);
  const a = rng.normalArray(5000);
  const b = rng.normalArray(5000).map((v) => v + 0.2);
  assert(ksTestGreater(a, b).pValue < 1e-6);
  assert(ksTestGreater(b, a).pValue > 0.5);
  assert(ksTestGreater(a, rng.normalArray(5000)).pValue > 1e-3);
});
