import { assert, assertAlmostEquals, assertEquals } from "../testing/assert.ts";
import { Rng } from "../tensor/rng.ts";
import { barsFields } from "../../data/bars.ts";
import { dictionaryRecovery } from "./dictionary_recovery.ts";

Deno.test("dictionaryRecovery() finds permuted, rescaled, sign-flipped bars and scores them 1", () => {
  const side = 5, d = 25, h = 10;
  const truth = barsFields(side);
  const rng = new Rng(3);
  const order = Array.from(rng.permutation(h));
  const learned = new Float32Array(d * h);
  for (let j = 0; j < h; j++) {
    const scale = (rng.next() < 0.5 ? -1 : 1) * (0.1 + rng.next());
    for (let p = 0; p < d; p++) learned[p * h + order[j]] = scale * truth[p * h + j];
  }
  const r = dictionaryRecovery(truth, learned, d);
  assertEquals(r.matched, order);
  assertEquals(r.recovered, h);
  assertAlmostEquals(r.min, 1, 1e-6);
});

Deno.test("dictionaryRecovery() scores random fields far below the threshold (the matching itself: assignment_test.ts)", () => {
  const d = 25, h = 10;
  const truth = barsFields(5);
  const random = new Rng(4).normalArray(d * h);
  const r = dictionaryRecovery(truth, random, d);
  assertEquals(r.recovered, 0);
  assert(r.mean < 0.6, `mean |cos| ${r.mean}`);
});
