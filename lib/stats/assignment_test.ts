import { assertEquals, assertThrows } from "../testing/assert.ts";
import { Rng } from "../tensor/rng.ts";
import { minCostAssignment } from "./assignment.ts";

/** The least total cost by trying every injective map of rows to columns (small n only). */
function bruteForce(cost: number[][]): number {
  const m = cost[0].length;
  let best = Infinity;
  const walk = (row: number, used: boolean[], total: number) => {
    if (row === cost.length) {
      best = Math.min(best, total);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      walk(row + 1, used, total + cost[row][j]);
      used[j] = false;
    }
  };
  walk(0, new Array(m).fill(false), 0);
  return best;
}

Deno.test("minCostAssignment() matches brute force on random square and rectangular matrices, ties included", () => {
  const rng = new Rng(5);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + rng.int(6);
    const m = n + rng.int(3);
    // Integer costs in 0..4 make ties frequent.
    const cost = Array.from(
      { length: n },
      () => Array.from({ length: m }, () => rng.int(5) - (trial % 2) * 2.5),
    );
    const rows = minCostAssignment(cost);
    assertEquals(new Set(rows).size, n, "columns are distinct");
    const total = rows.reduce((t, j, i) => t + cost[i][j], 0);
    assertEquals(total, bruteForce(cost), JSON.stringify(cost));
  }
});

Deno.test("minCostAssignment() refuses more rows than columns and non-finite costs", () => {
  assertThrows(() => minCostAssignment([[1], [2]]), RangeError, "n ≤ m");
  assertThrows(() => minCostAssignment([[NaN, 1]]), RangeError, "not finite");
  assertEquals(minCostAssignment([]), []);
});
