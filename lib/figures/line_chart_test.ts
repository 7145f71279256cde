import assert from "node:assert/strict";
import sharp from "sharp";
import { lineChart } from "./line_chart.ts";
import { imageGridPng } from "./image_grid.ts";

Deno.test("lineChart() renders lines, error bars and reference markers to SVG and a PNG", async () => {
  const { svg, png } = await lineChart({
    title: "MSE vs latent dimension",
    subtitle: "profile smoke · synthetic data",
    xTitle: "latent dimension",
    yTitle: "MSE",
    logX: true,
    points: [
      { series: "Gaussian", x: 20, y: 3.4, yLow: 3.3, yHigh: 3.5 },
      { series: "Gaussian", x: 64, y: 3.6, yLow: 3.5, yHigh: 3.7 },
      { series: "Thr. Laplacian", x: 20, y: 3.5 },
      { series: "Thr. Laplacian", x: 64, y: 3.4 },
    ],
    reference: [{ series: "Gaussian", x: 20, y: 3.493 }],
  });
  assert.ok(svg.startsWith("<svg"));
  assert.ok(svg.includes("MSE vs latent dimension") && svg.includes("Thr. Laplacian"));
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, "png");
  assert.ok(meta.width! > 400 && meta.height! > 250);
});

Deno.test("imageGridPng() tiles images with gaps and upscales them", async () => {
  const png = await imageGridPng([new Float32Array(4).fill(1), new Float32Array(4).fill(0)], {
    rows: 1,
    cols: 2,
    height: 2,
    width: 2,
    channels: 1,
    scale: 3,
  });
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.width, meta.height], [(2 * 3 + 1) * 3, (2 + 2) * 3 - 3 + 3]);
});
