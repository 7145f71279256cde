import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../testing/assert.ts";
import {
  concreteTemperature,
  cycleLearningRate,
  dictionaryLearningRate,
  fistaLambdaWarmup,
  scaleWarmup,
} from "./schedules.ts";

/** A line-by-line port of rosinality's CycleScheduler (momentum off), used as the oracle. */
function referenceCycle(nIter: number, lrMax: number, steps: number, warmup = 0.05, div = 25): number[] {
  const p1 = Math.floor(nIter * warmup), p2 = nIter - p1, lrMin = lrMax / div;
  const phases = [
    { start: lrMin, end: lrMax, n: 0, nIter: p1, f: (a: number, b: number, p: number) => a + p * (b - a) },
    {
      start: lrMax,
      end: lrMin / 1e4,
      n: 0,
      nIter: p2,
      f: (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1),
    },
  ];
  let phase = 0;
  const lrs = [lrMax]; // the optimizer's constructor lr for step 0
  for (let s = 1; s < steps; s++) {
    const ph = phases[phase];
    ph.n += 1;
    lrs.push(ph.f(ph.start, ph.end, ph.n / ph.nIter));
    if (ph.n >= ph.nIter) phase += 1;
    if (phase >= phases.length) {
      phases.forEach((p) => (p.n = 0));
      phase = 0;
    }
  }
  return lrs;
}

Deno.test("cycleLearningRate() matches hand values at the phase boundaries of the linear experiment", () => {
  const o = { nIter: 240_000, lrMax: 0.01 };
  assertEquals(cycleLearningRate(0, o), 0.01); // constructor lr
  assertAlmostEquals(cycleLearningRate(1, o), 0.0004 + (1 / 12000) * 0.0096, 1e-18); // first scheduled value
  assertAlmostEquals(cycleLearningRate(6000, o), 0.0004 + 0.5 * 0.0096, 1e-15);
  assertAlmostEquals(cycleLearningRate(12_000, o), 0.01, 1e-15);
  // halfway through the cosine: lr_end + (lr_max − lr_end)/2
  assertAlmostEquals(cycleLearningRate(12_000 + 114_000, o), 4e-8 + (0.01 - 4e-8) / 2, 1e-15);
  assertAlmostEquals(cycleLearningRate(240_000, o), 4e-8, 1e-20);
  // the cycle restarts
  assertAlmostEquals(cycleLearningRate(240_001, o), cycleLearningRate(1, o), 1e-18);
});

Deno.test("cycleLearningRate() agrees step by step with a port of rosinality's CycleScheduler over two cycles", () => {
  const nIter = 200;
  const ref = referenceCycle(nIter, 3e-4, 2 * nIter + 5);
  ref.forEach((lr, step) => assertAlmostEquals(cycleLearningRate(step, { nIter, lrMax: 3e-4 }), lr, 1e-18));
});

Deno.test("cycleLearningRate() rejects a schedule without a warm-up step", () => {
  assertThrows(() => cycleLearningRate(1, { nIter: 10, lrMax: 1 }), RangeError, "at least one step");
});

Deno.test("scaleWarmup() holds 0.1 until iteration 1500, then climbs 2e-4 per iteration to 1 at 6000", () => {
  assertEquals(scaleWarmup(0), 0.1);
  assertEquals(scaleWarmup(1500), 0.1);
  assertAlmostEquals(scaleWarmup(1501), 0.1002, 1e-15);
  assertAlmostEquals(scaleWarmup(5999), 0.9998, 1e-12);
  assertEquals(scaleWarmup(6000), 1);
  assertEquals(scaleWarmup(1e6), 1);
  // FMNIST spike-and-slab starts at 500
  assertAlmostEquals(scaleWarmup(1000, { start: 500 }), 0.2, 1e-12);
});

Deno.test("fistaLambdaWarmup() grows from 0.1 by 1e-4 per iteration and caps at 1 from iteration 9000", () => {
  assertEquals(fistaLambdaWarmup(0), 0.1);
  assertAlmostEquals(fistaLambdaWarmup(1), 0.1001, 1e-15);
  assertAlmostEquals(fistaLambdaWarmup(8999), 0.9999, 1e-12);
  assertEquals(fistaLambdaWarmup(9000), 1);
});

Deno.test("concreteTemperature() decays by 0.9995 per iteration down to the floor", () => {
  assertAlmostEquals(concreteTemperature(1, { tempMin: 0.5 }), 0.9995, 1e-15);
  assertAlmostEquals(concreteTemperature(1000, { tempMin: 0.5 }), 0.9995 ** 1000, 1e-15);
  assertEquals(concreteTemperature(5000, { tempMin: 0.5 }), 0.5);
  assert(concreteTemperature(5000, { tempMin: 0.005 }) > 0.005, "DNN floor is reached later");
});

Deno.test("dictionaryLearningRate() is 0.5·0.99^epoch", () => {
  assertEquals(dictionaryLearningRate(0), 0.5);
  assertAlmostEquals(dictionaryLearningRate(1), 0.495, 1e-15);
  assertAlmostEquals(dictionaryLearningRate(299), 0.5 * 0.99 ** 299, 1e-15);
});
