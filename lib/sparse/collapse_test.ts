import { assertEquals, assertThrows } from "../testing/assert.ts";
import { collapsePercent, featureCollapsePercent, posteriorCollapsePercent } from "./collapse.ts";

Deno.test("collapsePercent() counts a latent when at least 95 % of data are ≤ 1e-2, by hand", () => {
  // 20 data × 4 latents: latent 0 all zero; latent 1 has 19/20 = 95 % small (collapsed, the bound is inclusive);
  // latent 2 has 18/20 small (not collapsed); latent 3 is exactly 1e-2 everywhere (collapsed, ≤ is inclusive).
  const [n, k] = [20, 4];
  const v = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    v[i * k + 1] = i === 0 ? 1 : 0.001;
    v[i * k + 2] = i < 2 ? 1 : 0;
    v[i * k + 3] = 1e-2;
  }
  assertEquals(collapsePercent(v, [n, k]), 75);
  assertEquals(posteriorCollapsePercent(v, [n, k]), 75);
  assertEquals(collapsePercent(v, [n, k], { fraction: 0.9 }), 100);
});

Deno.test("featureCollapsePercent() uses |code|, so large negative codes are not collapsed", () => {
  const codes = new Float32Array([-5, 0, -5, 0.001, -5, -0.009]);
  assertEquals(featureCollapsePercent(codes, [3, 2]), 50);
});

Deno.test("collapsePercent() rejects values that do not fill the shape", () => {
  assertThrows(() => collapsePercent(new Float64Array(3), [2, 2]), RangeError, "Cannot compute collapse");
});
