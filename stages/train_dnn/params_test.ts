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
