import assert from "node:assert/strict";
import { convConfigFor, thresholdsFor, TRAIN_DNN_DEFAULTS, validateTrainDnn } from "./params.ts";

Deno.test("thresholdsFor() reproduces the protocol §2.14 table", () => {
  const table: [number, number, number][] = [[0.05, 0.620, 0.300], [0.1, 0.520, 0.230], [0.2, 0.405, 0.161], [
    0.5,
    0.213,
    0.069,
  ]];
  for (const [p, g, l] of table) {
    const t = thresholdsFor(p);
    assert.ok(Math.abs(t.gaussian - g) < 1e-3 && Math.abs(t.laplace - l) < 1e-3, `p = ${p}`);
  }
});

Deno.test("convConfigFor() turns sparsity into λ or the spike prior, and validate names the bad field", () => {
  const thr = convConfigFor({ ...TRAIN_DNN_DEFAULTS, method: "thr_gaussian_gamma", sparsity: 0.2 }, 100);
  assert.equal(thr.spec.threshold, "learned");
  assert.ok(Math.abs(thr.spec.lambda - 0.405) < 1e-3);
  const ss = convConfigFor({
    ...TRAIN_DNN_DEFAULTS,
    method: "spike_slab",
    sparsity: 0.05,
    dataset: "celeba",
    warmup_start: 1500,
  }, 100);
  assert.equal(ss.spec.spikePrior, 0.05);
  assert.equal(ss.scaleWarmupFrom, 1500);
  assert.throws(
    () => validateTrainDnn({ ...TRAIN_DNN_DEFAULTS, method: "vae" }),
    /params\.method must be one of/,
  );
  assert.throws(
    () => validateTrainDnn({ ...TRAIN_DNN_DEFAULTS, sparsity: 1 }),
    /params\.sparsity must be in \(0, 1\)/,
  );
});

Deno.test("schedule_span compresses the slab warm-up and the temperature decay to the run's length", () => {
  const p = { ...TRAIN_DNN_DEFAULTS, method: "spike_slab", schedule_span: 35400 };
  const [short, paper] = [convConfigFor(p, 1180), convConfigFor({ ...p, schedule_span: 0 }, 35400)];
  assert.deepEqual([paper.scaleWarmupFrom, paper.scaleWarmupIncrement, paper.temperatureDecay], [
    500,
    2e-4,
    0.9995,
  ]);
  // after 1/30 of the steps the short run is where the paper's run is after the same fraction
  const w = (c: typeof short, it: number) =>
    Math.min(1, 0.1 + c.scaleWarmupIncrement * Math.max(0, it - c.scaleWarmupFrom));
  assert.ok(Math.abs(w(short, 590) - w(paper, 17700)) < 1e-3);
  assert.ok(Math.abs(short.temperatureDecay ** 590 - paper.temperatureDecay ** 17700) < 1e-9);
  assert.equal(
    convConfigFor(p, 35400).scaleWarmupIncrement,
    2e-4,
    "a run as long as the span is uncompressed",
  );
  assert.throws(
    () => validateTrainDnn({ ...p, iterations: -1 }),
    /params\.iterations must be an integer ≥ 0/,
  );
});
