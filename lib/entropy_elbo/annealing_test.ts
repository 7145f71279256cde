import { assertAlmostEquals, assertEquals } from "../testing/assert.ts";
import { priorEntropyScale } from "./annealing.ts";

Deno.test("priorEntropyScale() follows the EM and amortised annealing schedules", () => {
  assertEquals([0, 1, 2, 3, 4, 5, 6].map((e) => priorEntropyScale(e, "em")), [10, 8, 6, 4, 2, 1, 1]);
  assertAlmostEquals(priorEntropyScale(0, "amortised"), 2, 0);
  assertAlmostEquals(priorEntropyScale(5, "amortised"), 1.5, 1e-15);
  assertAlmostEquals(priorEntropyScale(20, "amortised"), 1, 0);
});
