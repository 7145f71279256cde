import { assertAlmostEquals, assertThrows } from "../testing/assert.ts";
import { giniSparseness } from "./gini.ts";

Deno.test("giniSparseness() matches hand values and averages over rows", () => {
  // row 1: sorted (1, 2, 3): cumsum (1, 3, 6) → Σ = 10, total 6 → (4 − 20/6)/3 = 2/9; row 2 one-hot of 3 → 2/3
  assertAlmostEquals(
    giniSparseness(new Float64Array([3, -1, 2, 0, 5, 0]), [2, 3]),
    (2 / 9 + 2 / 3) / 2,
    1e-15,
  );
  assertThrows(
    () => giniSparseness(new Float64Array(2), [2, 2]),
    RangeError,
    "Cannot compute giniSparseness",
  );
});
