import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../lib/testing/assert.ts";
import { linspaceInt, patchStats, poolSizes, splitPatches } from "./patches.ts";
import { Rng } from "../lib/tensor/rng.ts";

// Small synthetic case: 3 images of 20×20, 4×4 patches → 17² positions × 3 = 867 patches.
const N = 20, p = 4, P = N - p + 1, K = 3;
const rng = new Rng(7);
const IMAGES = Array.from(
  { length: K },
  (_, k) => Float64Array.from({ length: N * N }, () => k + rng.normal()),
);

/** Brute force: every patch materialised, id = (row·P + col)·K + image. */
function allPatches(): Float64Array[] {
  const out: Float64Array[] = [];
  for (let r = 0; r < P; r++) {
    for (let c = 0; c < P; c++) {
      for (let k = 0; k < K; k++) {
        const patch = new Float64Array(p * p);
        for (let i = 0; i < p; i++) {
          for (let j = 0; j < p; j++) patch[i * p + j] = IMAGES[k][(r + i) * N + c + j];
        }
        out.push(patch);
      }
    }
  }
  return out;
}

Deno.test("linspaceInt() truncates like numpy's linspace(...).astype(int)", () => {
  // np.linspace(1, 9, 4) = [1, 3.67, 6.33, 9]; np.linspace(1, 10, 7) = [1, 2.5, 4, 5.5, 7, 8.5, 10]
  assertEquals(Array.from(linspaceInt(1, 9, 4)), [1, 3, 6, 9]);
  assertEquals(Array.from(linspaceInt(1, 10, 7)), [1, 2, 4, 5, 7, 8, 10]);
  assertEquals(Array.from(linspaceInt(1, 5, 1)), [1]);
});

Deno.test("poolSizes() gives the reference's 494,018 val and 1,976,072 train patches for 10 images of 512²", () => {
  assertEquals(poolSizes(10 * 497 * 497), { valPool: 494018, trainPool: 1976072 });
});

Deno.test("patchStats() matches a brute-force mean and std over all overlapping patches", () => {
  const all = allPatches();
  const { mean, std } = patchStats(IMAGES, N, p);
  for (let q = 0; q < p * p; q++) {
    const m = all.reduce((a, x) => a + x[q], 0) / all.length;
    const s = Math.sqrt(all.reduce((a, x) => a + (x[q] - m) ** 2, 0) / all.length);
    assertAlmostEquals(mean[q], m, 1e-12, `mean[${q}]`);
    assertAlmostEquals(std[q], s, 1e-12, `std[${q}]`);
  }
});

Deno.test("splitPatches() returns the requested counts from disjoint train and val pools", () => {
  const s = splitPatches(IMAGES, N, { patchSize: p, nTrain: 50, nVal: 20, seed: 3 });
  assertEquals(s.counts, { total: K * P * P, valPool: 173, trainPool: 694 });
  assertEquals([s.train.length, s.val.length], [50 * p * p, 20 * p * p]);
  const train = new Set(s.trainIds);
  assertEquals(train.size, 50);
  assert(s.valIds.every((id) => !train.has(id)), "a val patch is also in train");
});

Deno.test("splitPatches() z-scores each kept patch with the all-patch statistics", () => {
  const all = allPatches();
  const s = splitPatches(IMAGES, N, { patchSize: p, nTrain: 30, nVal: 10, seed: 1 });
  // The statistics by brute force over every patch (not the split's own s.mean / s.std, which a split that
  // z-scored with, say, the kept patches' statistics would report consistently).
  const mean = Array.from({ length: p * p }, (_, q) => all.reduce((a, x) => a + x[q], 0) / all.length);
  const std = mean.map((m, q) => Math.sqrt(all.reduce((a, x) => a + (x[q] - m) ** 2, 0) / all.length));
  for (const [rows, ids] of [[s.train, s.trainIds], [s.val, s.valIds]] as const) {
    ids.forEach((id, row) => {
      for (let q = 0; q < p * p; q++) {
        const expected = (all[id][q] - mean[q]) / std[q];
        assertAlmostEquals(rows[row * p * p + q], expected, 1e-6 * (1 + Math.abs(expected)));
      }
    });
  }
  // Over all patches the z-scored values have mean 0 and std 1 per pixel; the kept subset roughly so.
  const m0 = s.train.filter((_, i) => i % (p * p) === 0).reduce((a, b) => a + b) / 30;
  assertAlmostEquals(m0, 0, 0.6, "mean of pixel 0 over 30 train patches");
});

Deno.test("splitPatches() is deterministic for a seed and differs between seeds", () => {
  const a = splitPatches(IMAGES, N, { patchSize: p, nTrain: 40, nVal: 10, seed: 5 });
  const b = splitPatches(IMAGES, N, { patchSize: p, nTrain: 40, nVal: 10, seed: 5 });
  const c = splitPatches(IMAGES, N, { patchSize: p, nTrain: 40, nVal: 10, seed: 6 });
  assertEquals(a.train, b.train);
  assertEquals(a.valIds, b.valIds);
  assert(a.trainIds.some((id, i) => id !== c.trainIds[i]), "seeds 5 and 6 gave the same split");
});

Deno.test("splitPatches() names the field when more patches are asked than a pool holds", () => {
  assertThrows(
    () => splitPatches(IMAGES, N, { patchSize: p, nTrain: 10, nVal: 500 }),
    RangeError,
    "nVal must be",
  );
  assertThrows(
    () => splitPatches(IMAGES, N, { patchSize: p, nTrain: 700, nVal: 5 }),
    RangeError,
    "received 700",
  );
});
