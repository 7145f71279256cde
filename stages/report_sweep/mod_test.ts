import assert from "node:assert/strict";
import { runStage, upstream } from "../dnn_data/testing.ts";
import { aggregate, stage } from "./mod.ts";

function fake(
  method: string,
  z: number,
  p: number,
  seed: number,
  mse = 0.02 + 0.001 * seed + (method === "gaussian" ? 0.002 : 0),
) {
  const meanImage = 0.0867;
  return upstream(`metrics[${method},${z},${p},${seed}]`, "/nonexistent", {}, {
    dataset: "fashion_mnist",
    method,
    latent_dim: z,
    sparsity: p,
    seed,
    epochs: 1,
    mse_per_pixel: mse,
    mse_paper_units: mse * 125,
    mse_paper_factor: 125,
    multi_information_bits: z * 0.5 + seed,
    fid: 10 + seed,
    fid_label: "FID (default features, not comparable to Inception FID)",
    fid_n: 100,
    nonzero_fraction: 0.1,
    mean_image_mse_paper_units: meanImage * 125,
    mse_ratio: mse / meanImage,
    trained: mse / meanImage <= 0.5,
    trained_ratio: 0.5,
    n_test: 100,
    eval_samples: 20,
    backend: "wasm",
  });
}

Deno.test("aggregate() averages seeds and gives the sample standard deviation", () => {
  const rows = aggregate([fake("gaussian", 20, 0.1, 0).metrics, fake("gaussian", 20, 0.1, 2).metrics]);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].seeds, 2);
  assert.ok(Math.abs(rows[0].mi[0] - 11) < 1e-12 && Math.abs(rows[0].mi[1] - Math.SQRT2) < 1e-12);
});

Deno.test("report_sweep writes the four Fig. 7 figures and the tables beside the authors' values", async () => {
  const metrics = ["gaussian", "thr_laplacian"].flatMap((m) =>
    [20, 64].flatMap((z) => [0, 1].map((s) => fake(m, z, 0.1, s)))
  );
  const sparsity = [0.05, 0.2].flatMap((p) => [0, 1].map((s) => fake("thr_laplacian", 64, p, s)));
  const r = await runStage(stage, { profile: "smoke", prefix: "fmnist" }, { metrics, sparsity });
  const files = [...Deno.readDirSync(r.dir)].map((e) => e.name).sort();
  for (const f of ["mse_vs_latent", "mi_vs_latent", "fid_vs_latent", "mse_vs_sparsity"]) {
    assert.ok(files.includes(`fmnist_${f}.png`) && files.includes(`fmnist_${f}.svg`), f);
  }
  const md = Deno.readTextFileSync(`${r.dir}/fmnist.md`);
  assert.ok(md.includes("| latent | thr_laplacian | 64 | 0.1 | 2 |"));
  assert.ok(md.includes("3.561"), "the authors' Thr. Laplacian z=64 MSE appears beside ours");
  const svg = Deno.readTextFileSync(`${r.dir}/fmnist_mse_vs_latent.svg`);
  assert.ok(svg.includes("profile smoke"));
  Deno.removeSync(r.dir, { recursive: true });
});

Deno.test("report_sweep marks a run no better than the mean image as not trained and draws the baseline", async () => {
  const untrained = fake("thr_laplacian", 20, 0.1, 0, 0.12); // above the 0.0867 mean-image MSE
  const r = await runStage(stage, { profile: "smoke", prefix: "fmnist" }, {
    metrics: [untrained, fake("gaussian", 20, 0.1, 0)],
  });
  const md = Deno.readTextFileSync(`${r.dir}/fmnist.md`);
  const row = (m: string) => md.split("\n").find((l) => l.startsWith(`| latent | ${m} |`))!;
  assert.ok(row("thr_laplacian").endsWith("| not trained |"), row("thr_laplacian"));
  assert.ok(row("gaussian").endsWith("| ✓ |"), row("gaussian"));
  assert.ok(md.includes("Mean-image baseline") && md.includes("10.84"), "the baseline is reported");
  assert.ok(Deno.readTextFileSync(`${r.dir}/fmnist_mse_vs_latent.svg`).includes("mean image"));
  Deno.removeSync(r.dir, { recursive: true });
});
