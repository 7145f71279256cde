import { assertAlmostEquals, assertEquals } from "../lib/testing/assert.ts";
import { Rng } from "../lib/tensor/rng.ts";
import { barsFields, readBars, sampleBars, writeBars } from "./bars.ts";

Deno.test("barsFields() gives side vertical then side horizontal bars of `side` ones each", () => {
  const side = 5, d = 25, h = 10;
  const w = barsFields(side);
  for (let k = 0; k < h; k++) {
    const on = [...Array(d).keys()].filter((p) => w[p * h + k] === 1);
    assertEquals(on.length, side);
    const rows = new Set(on.map((p) => Math.floor(p / side))), cols = new Set(on.map((p) => p % side));
    if (k < side) assertEquals([rows.size, [...cols][0]], [side, k]);
    else assertEquals([cols.size, [...rows][0]], [side, k - side]);
  }
});

Deno.test("sampleBars() draws Laplace(0, 1) sources and noise of the given σ, the same for the same seed", () => {
  const set = sampleBars(new Rng(1), { n: 4000, side: 5, sigma: 0.1 });
  const s = Array.from(set.sources);
  // Laplace(0, 1): mean 0, E|s| = 1, Var = 2 (standard errors ≈ 0.007, 0.007, 0.03 over 40,000 draws).
  assertAlmostEquals(s.reduce((a, v) => a + v, 0) / s.length, 0, 0.03);
  assertAlmostEquals(s.reduce((a, v) => a + Math.abs(v), 0) / s.length, 1, 0.03);
  assertAlmostEquals(s.reduce((a, v) => a + v * v, 0) / s.length, 2, 0.12);
  let r2 = 0;
  for (let i = 0; i < set.n; i++) {
    for (let p = 0; p < set.d; p++) {
      let v = set.x[i * set.d + p];
      for (let k = 0; k < set.h; k++) v -= set.w[p * set.h + k] * set.sources[i * set.h + k];
      r2 += v * v;
    }
  }
  assertAlmostEquals(Math.sqrt(r2 / (set.n * set.d)), 0.1, 0.002);
  assertEquals(sampleBars(new Rng(1), { n: 4000, side: 5, sigma: 0.1 }).x, set.x);
});

Deno.test("writeBars() and readBars() round-trip", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const set = sampleBars(new Rng(2), { n: 7, side: 3, sigma: 0.2 });
    await writeBars(dir, set);
    assertEquals(await readBars(dir), set);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
