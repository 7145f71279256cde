import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../lib/testing/assert.ts";
import { radialPowerSpectrum, spectralSlope } from "./_fft2.ts";
import { embeddedScenes } from "./embedded.ts";
import { Rng } from "../lib/tensor/rng.ts";

// Statistical tolerances (fixed seeds, 4 images of 128²): the spectral slope is checked against −2.2 ± 0.5
// (measured −2.26…−2.40 over seeds 0–2), wide enough for seed-to-seed spread; isotropy within 15%.

const N = 128;
const IMAGES = embeddedScenes(new Rng(0), { count: 4, size: N });

Deno.test("embeddedScenes() has a power spectrum falling roughly as 1/|f|² before whitening", () => {
  for (const img of IMAGES) {
    assertAlmostEquals(
      spectralSlope(radialPowerSpectrum(img, N), 4, 32),
      -2.2,
      0.5,
      "spectral slope over 4..32",
    );
  }
});

Deno.test("embeddedScenes() has edges at all orientations: horizontal and vertical gradient energy agree", () => {
  let gx = 0, gy = 0;
  for (const img of IMAGES) {
    for (let r = 0; r < N - 1; r++) {
      for (let c = 0; c < N - 1; c++) {
        gx += (img[r * N + c + 1] - img[r * N + c]) ** 2;
        gy += (img[(r + 1) * N + c] - img[r * N + c]) ** 2;
      }
    }
  }
  assertAlmostEquals(gx / gy, 1, 0.15, "horizontal/vertical gradient energy");
});

Deno.test("embeddedScenes() gives grey levels in about [0, 1] with mean near 0.5", () => {
  for (const img of IMAGES) {
    const mean = img.reduce((a, b) => a + b) / img.length;
    assertAlmostEquals(mean, 0.5, 0.2, "mean grey level");
    assert(img.every((x) => x > -0.5 && x < 1.5), "grey levels out of range");
  }
});

Deno.test("embeddedScenes() is deterministic for a seed and image i does not depend on the count", () => {
  const again = embeddedScenes(new Rng(0), { count: 2, size: N });
  assertEquals(again[1], IMAGES[1]);
  const other = embeddedScenes(new Rng(1), { count: 1, size: N });
  assert(other[0].some((x, i) => x !== IMAGES[0][i]), "different seeds must give different images");
});

Deno.test("embeddedScenes() rejects a size that is not a power of two", () => {
  assertThrows(() => embeddedScenes(new Rng(0), { size: 100 }), RangeError, "received 100");
});
