import { assertEquals } from "../../lib/testing/assert.ts";
import { judge, verdictText } from "./verdict.ts";

const one = (mean: number | null) => ({ mean, sd: null, n: mean === null ? 0 : 1, missing: 0 });
const ok = { trained: true, comparable: true };

Deno.test("judge(): ✓ within 3σ, ≈ within 10%, ✗ beyond, with the relative difference", () => {
  assertEquals(judge(one(196), { mean: 194, sd: 1.66 }, ok).mark, "✓"); // 2 ≤ 4.98
  assertEquals(judge(one(205), { mean: 194, sd: 1.66 }, ok).mark, "≈"); // 11 > 4.98, 5.7% ≤ 10%
  assertEquals(verdictText(judge(one(262), { mean: 194, sd: 1.66 }, ok)), "✗ +35%");
  assertEquals(verdictText(judge(one(180), { mean: 200 }, ok)), "≈ −10%"); // no σ: only ≈ or ✗
});

Deno.test("judge(): the bounds are exactly 3σ and 10%, inclusive", () => {
  const paper = { mean: 100, sd: 2 }; // 3σ = 6
  assertEquals(verdictText(judge(one(106), paper, ok)), "✓ +6%");
  assertEquals(verdictText(judge(one(94), paper, ok)), "✓ −6%");
  assertEquals(verdictText(judge(one(106.5), paper, ok)), "≈ +7%"); // 3.25σ
  assertEquals(verdictText(judge(one(110), { mean: 100 }, ok)), "≈ +10%");
  assertEquals(verdictText(judge(one(111), { mean: 100 }, ok)), "✗ +11%");
  assertEquals(verdictText(judge(one(88), paper, ok)), "✗ −12%"); // beyond 3σ and 10%: σ does not rescue it
});

Deno.test("judge(): untrained rows and the irreproducible IWAE get no pass or fail", () => {
  assertEquals(
    judge(one(194), { mean: 194, sd: 1 }, { trained: false, comparable: true }).mark,
    "not trained",
  );
  assertEquals(judge(one(1.13), { mean: 1.13 }, { trained: true, comparable: false }).mark, "not comparable");
  assertEquals(judge(one(null), { mean: 1 }, ok).mark, "–");
});
