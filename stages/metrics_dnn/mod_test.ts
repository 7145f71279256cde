import assert from "node:assert/strict";
import { runStage, syntheticData } from "../dnn_data/testing.ts";
import { stage as features } from "../fid_features/mod.ts";
import { stage as train } from "../train_dnn/mod.ts";
import { stage as metrics } from "./mod.ts";

Deno.test("fid_features → train_dnn → metrics_dnn run end to end on tiny synthetic Fashion-MNIST-shaped data", async () => {
  const data = syntheticData({ nTrain: 24, nTest: 12 });
  const feat = await runStage(features, { epochs: 1, batch_size: 12 }, { data }, { backend: "wasm" });
  assert.equal(feat.metrics.label, "FID (default features, not comparable to Inception FID)");
  const run = await runStage(
    train,
    { method: "thr_laplacian", latent_dim: 8, epochs: 2, batch_size: 12, samples: 2 },
    { data },
    { backend: "wasm" },
  );
  assert.equal(run.progress.length, 2);
  assert.deepEqual([run.progress[1].unit, run.progress[1].done, run.progress[1].total], ["step", 4, 4]);
  assert.ok(Number.isFinite(run.metrics.final_train_loss as number));
  const m = await runStage(
    metrics,
    { eval_samples: 3, fid_n: 12, eval_batch: 6 },
    { run: run.upstream, data, features: feat.upstream },
    { backend: "wasm" },
  );
  const mse = m.metrics.mse_per_pixel as number;
  assert.ok(mse > 0 && mse < 0.5, `mse ${mse}`);
  assert.equal(m.metrics.mse_paper_units, mse * 125);
  assert.ok((m.metrics.multi_information_bits as number) >= 0);
  assert.ok(Number.isFinite(m.metrics.fid as number) && (m.metrics.fid as number) >= 0);
  const nz = m.metrics.nonzero_fraction as number;
  assert.ok(nz > 0 && nz < 1, `thresholded codes must be sparse, got ${nz}`);
  assert.equal(m.metrics.method, "thr_laplacian");
  // the mean-image baseline of these images, and the run judged against it
  const baseline = (m.metrics.mean_image_mse_paper_units as number) / 125;
  // recomputed here in float64 from the synthetic files: the test images' per-pixel squared error against the
  // mean training image (a baseline that is too large would mark untrained runs "trained")
  const [trainBytes, testBytes] = ["train", "test"].map((s) => Deno.readFileSync(`${data.dir}/${s}.u8`));
  const per = 28 * 28;
  const mean = new Float64Array(per);
  trainBytes.forEach((v, i) => (mean[i % per] += v / 255 / 24));
  let sq = 0;
  testBytes.forEach((v, i) => (sq += (v / 255 - mean[i % per]) ** 2));
  assert.equal(testBytes.length, 12 * per);
  assert.ok(
    Math.abs(baseline - sq / testBytes.length) <= 1e-12 * baseline,
    `baseline ${baseline} vs ${sq / testBytes.length}`,
  );
  assert.equal(m.metrics.mse_ratio, mse / baseline);
  assert.equal(m.metrics.trained, mse / baseline <= 0.5);
  for (const d of [data.dir, feat.dir, run.dir, m.dir]) Deno.removeSync(d, { recursive: true });
});

Deno.test("train_dnn runs `iterations` steps across epoch boundaries when that is set", async () => {
  const data = syntheticData({ nTrain: 24, nTest: 12 });
  const run = await runStage(
    train,
    { method: "spike_slab", latent_dim: 8, iterations: 3, schedule_span: 30, batch_size: 12, samples: 2 },
    { data },
    { backend: "wasm" },
  );
  assert.equal(run.metrics.iterations, 3); // 2 steps a pass: one whole pass and one step of the next
  assert.deepEqual(run.progress.map((p) => p.done), [2, 3]);
  for (const d of [data.dir, run.dir]) Deno.removeSync(d, { recursive: true });
});
