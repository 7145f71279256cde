import { assert, assertAlmostEquals } from "../lib/testing/assert.ts";
import { fft2, radialPowerSpectrum, spectralSlope } from "./_fft2.ts";
import { whiten } from "./whiten.ts";
import { Rng } from "../lib/tensor/rng.ts";

// Tolerances: deterministic cases use 1e-9; the noise-based cases (fixed seeds) use loose statistical bounds
// (isotropy within 10%, spectral slope within ±0.3), several standard errors wide at these sizes.

const N = 64;

function noise(rng: Rng, n = N): Float64Array {
  return Float64Array.from({ length: n * n }, () => rng.normal());
}

function variance(x: Float64Array): number {
  const m = x.reduce((a, b) => a + b) / x.length;
  return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
}

Deno.test("whiten() removes the DC component: every output image has zero mean", () => {
  const rng = new Rng(1);
  const imgs = [noise(rng).map((x) => x + 5), noise(rng).map((x) => 3 * x - 2)];
  for (const w of whiten(imgs, N)) {
    const re = Float64Array.from(w), im = new Float64Array(N * N);
    fft2(re, im, N);
    assertAlmostEquals(Math.hypot(re[0], im[0]), 0, 1e-9, "|F(0)|");
  }
});

Deno.test("whiten() scales the images so that their mean variance is 0.1", () => {
  const rng = new Rng(2);
  const out = whiten([noise(rng), noise(rng).map((x) => 10 * x), noise(rng)], N);
  assertAlmostEquals(out.reduce((a, w) => a + variance(w), 0) / out.length, 0.1, 1e-12, "mean variance");
});

Deno.test("whiten() multiplies each frequency by |f|·exp(−(|f|/f0)⁴) with f0 = 0.4·N", () => {
  // Two horizontal cosines of equal amplitude at 3 and 20 cycles per picture.
  const img = new Float64Array(N * N);
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      img[r * N + c] = Math.cos(2 * Math.PI * 3 * c / N) + Math.cos(2 * Math.PI * 20 * c / N);
    }
  }
  const [w] = whiten([img], N);
  const re = Float64Array.from(w), im = new Float64Array(N * N);
  fft2(re, im, N);
  const R = (f: number) => f * Math.exp(-((f / (0.4 * N)) ** 4));
  assertAlmostEquals(
    Math.hypot(re[20], im[20]) / Math.hypot(re[3], im[3]),
    R(20) / R(3),
    1e-9,
    "amplitude ratio",
  );
});

Deno.test("whiten() keeps white noise isotropic: horizontal and vertical power agree within 10%", () => {
  const rng = new Rng(3);
  const out = whiten(Array.from({ length: 4 }, () => noise(rng)), N);
  let horiz = 0, vert = 0;
  for (const w of out) {
    const re = Float64Array.from(w), im = new Float64Array(N * N);
    fft2(re, im, N);
    // Power on the band |fy| ≤ 1 (horizontal frequencies) vs the band |fx| ≤ 1 (vertical), |f| in 4..28.
    for (let k = 4; k <= 28; k++) {
      for (const d of [N - 1, 0, 1]) {
        horiz += re[d * N + k] ** 2 + im[d * N + k] ** 2;
        vert += re[k * N + d] ** 2 + im[k * N + d] ** 2;
      }
    }
  }
  assertAlmostEquals(horiz / vert, 1, 0.1, "horizontal/vertical power");
});

Deno.test("whiten() flattens a 1/f² power spectrum in the mid frequencies", () => {
  // Pink 2-D noise: white noise with amplitude 1/|f| has power ∝ 1/|f|²; whitening multiplies by |f|.
  const rng = new Rng(4);
  const n = 128;
  const re = noise(rng, n), im = new Float64Array(n * n);
  fft2(re, im, n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const f = Math.hypot(r < n / 2 ? r : r - n, c < n / 2 ? c : c - n);
      const a = f === 0 ? 0 : 1 / f;
      re[r * n + c] *= a, im[r * n + c] *= a;
    }
  }
  fft2(re, im, n, true);
  const before = spectralSlope(radialPowerSpectrum(re, n), 4, 24);
  const after = spectralSlope(radialPowerSpectrum(whiten([re], n)[0], n), 4, 24);
  assertAlmostEquals(before, -2, 0.3, "slope before");
  assertAlmostEquals(after, 0, 0.3, "slope after");
  assert(after > before + 1.5, `whitening must raise the slope, before ${before}, after ${after}`);
});
