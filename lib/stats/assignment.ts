/**
 * The optimal one-to-one assignment (Kuhn–Munkres / Hungarian method, O(n²m) with potentials): rows to distinct
 * columns of an n×m cost matrix (n ≤ m) at the least total cost.
 *
 * @module
 */

/**
 * For each row, the column it is assigned to, minimising the summed cost; `cost[i][j]` is the cost of row i → column
 * j. Rows ≤ columns; ties are broken by the algorithm's order (deterministic).
 *
 * @example
 * ```ts
 * import { minCostAssignment } from "./assignment.ts";
 * // Greedy would take 1 for row 0 and then pay 10 for row 1; the optimum pays 2 + 2.
 * const rows = minCostAssignment([[1, 2], [10, 2]]);
 * if (rows.join() !== "0,1") throw new Error(rows.join());
 * const other = minCostAssignment([[1, 2], [2, 10]]);
 * if (other.join() !== "1,0") throw new Error(other.join());
 * ```
 */
export function minCostAssignment(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  const m = n === 0 ? 0 : cost[0].length;
  if (cost.some((row) => row.length !== m) || n > m) {
    throw new RangeError(
      `Cannot assign: expected an n×m cost matrix with n ≤ m, received rows of lengths ${
        cost.map((r) => r.length).join(", ")
      }`,
    );
  }
  if (cost.some((row) => row.some((c) => !Number.isFinite(c)))) {
    throw new RangeError("Cannot assign: the cost matrix has a value that is not finite");
  }
  // 1-based arrays as in the classic formulation: column 0 is a virtual start.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOfColumn = new Int32Array(m + 1); // 0: unassigned
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    rowOfColumn[0] = i;
    let j0 = 0;
    const minSlack = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = rowOfColumn[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const slack = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (slack < minSlack[j]) {
          minSlack[j] = slack;
          way[j] = j0;
        }
        if (minSlack[j] < delta) {
          delta = minSlack[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[rowOfColumn[j]] += delta;
          v[j] -= delta;
        } else {
          minSlack[j] -= delta;
        }
      }
      j0 = j1;
    } while (rowOfColumn[j0] !== 0);
    do {
      const j1 = way[j0];
      rowOfColumn[j0] = rowOfColumn[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (rowOfColumn[j] !== 0) out[rowOfColumn[j] - 1] = j - 1;
  return out;
}
