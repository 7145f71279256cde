import { assertAlmostEquals, assertThrows } from "../testing/assert.ts";
import { Rng } from "../tensor/rng.ts";
import { GradientSnr } from "./gradient_snr.ts";

Deno.test("GradientSnr matches |μ|/σ of Gaussian draws with known mean and spread", () => {
  const rng = new Rng(7);
  const snr = new GradientSnr(3);
  // parameters with means 1, −2, 0.5 and sds 2, 1, 0.5: SNRs 0.5, 2, 1 → mean 7/6
  for (let t = 0; t < 20000; t++) {
    const [a, b, c] = rng.normalArray(3);
    snr.add([1 + 2 * a, -2 + b, 0.5 + 0.5 * c]);
  }
  assertAlmostEquals(snr.meanSnr(), 7 / 6, 0.03);
});

Deno.test("GradientSnr uses the population std and needs two draws", () => {
  const snr = new GradientSnr(1);
  snr.add([0]);
  assertThrows(() => snr.meanSnr(), RangeError, "1 draw");
  snr.add([2]); // mean 1, population sd 1
  assertAlmostEquals(snr.meanSnr(), 1, 1e-6);
});
