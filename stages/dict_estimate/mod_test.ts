import assert from "node:assert/strict";
import sharp from "sharp";
import { runStage, syntheticData } from "../dnn_data/testing.ts";
import { stage as train } from "../train_dnn/mod.ts";
import { stage, stratifiedAtoms } from "./mod.ts";

Deno.test("stratifiedAtoms() takes consecutive ranks from equally spaced strata", () => {
  const norms = Float64Array.from({ length: 16 }, (_, i) => i); // rank r ↔ atom 15 − r
  assert.deepEqual(stratifiedAtoms(norms, 4, 2), [15, 14, 11, 10, 7, 6, 3, 2]);
});

Deno.test("dict_estimate writes an atom grid from a trained CelebA-shaped model's codes against 32×32 images", async () => {
  const data = syntheticData({ nTrain: 8, nTest: 12, dataset: "celeba" });
  const run = await runStage(
    train,
    {
      dataset: "celeba",
      method: "thr_gaussian",
      latent_dim: 8,
      epochs: 1,
      batch_size: 4,
      samples: 2,
      beta: 1e-3,
    },
    { data },
    { backend: "wasm" },
  );
  const r = await runStage(stage, { eval_samples: 2, strata: 2, per_stratum: 4, eval_batch: 6 }, {
    run: run.upstream,
    data,
  }, { backend: "wasm" });
  const meta = await sharp(`${r.dir}/atoms.png`).metadata();
  assert.equal(meta.width, (4 * 33 + 1) * 3);
  assert.equal(meta.height, (2 * 33 + 1) * 3);
  assert.equal(r.metrics.target_size, 32);
  for (const d of [data.dir, run.dir, r.dir]) Deno.removeSync(d, { recursive: true });
});
