import { assertAlmostEquals, assertEquals, assertThrows } from "../testing/assert.ts";
import { supportConsistency } from "./support_consistency.ts";

Deno.test("supportConsistency() averages the Jaccard index over all pairs and ignores dead atoms", () => {
  // 1 patch, 3 atoms (atom 2 dead), 3 passes: supports {0}, {0, 1}, {1} → J = 1/2, 0, 1/2 → mean 1/3
  const passes = [[1, 0, 5], [1, 1, 0], [0, 1, 5]].map((c) => new Float32Array(c));
  const s = supportConsistency(passes, [1, 3], [true, true, false]);
  assertAlmostEquals(s[0], 1 / 3, 1e-12);
});

Deno.test("supportConsistency() scores identical supports 1, empty ones 1, and rejects one pass", () => {
  const same = [new Float32Array([1, 0, 0, 0]), new Float32Array([2, 0, 0, 0])];
  assertEquals(Array.from(supportConsistency(same, [2, 2], [true, true])), [1, 1]);
  assertThrows(() => supportConsistency([same[0]], [2, 2], [true, true]), RangeError, "≥ 2 passes");
});
