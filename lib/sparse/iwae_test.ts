import { assertAlmostEquals, assertThrows } from "../testing/assert.ts";
import { iwaeBound, softmaxWeightedLoss } from "./iwae.ts";

Deno.test("softmaxWeightedLoss() averages the softmax(−L)-weighted losses over data, by hand", () => {
  // datum 1: L = (1, 1) → 1; datum 2: L = (0, ln 3) → ¼·ln 3
  const v = softmaxWeightedLoss(new Float64Array([1, 1, 0, Math.log(3)]), [2, 2]);
  assertAlmostEquals(v, (1 + Math.log(3) / 4) / 2, 1e-15);
});

Deno.test("softmaxWeightedLoss() stays finite and tends to the best loss when the losses are huge", () => {
  assertAlmostEquals(softmaxWeightedLoss(new Float64Array([1000, 1100]), [1, 2]), 1000, 1e-9);
});

Deno.test("iwaeBound() is −log of the mean of exp(−L) per datum, averaged over data, by hand", () => {
  // datum 1: L = (2, 2) → 2; datum 2: L = (0, ln 3) → log(3/2)
  const v = iwaeBound(new Float32Array([2, 2, 0, Math.log(3)]), [2, 2]);
  assertAlmostEquals(v, (2 + Math.log(1.5)) / 2, 1e-7);
});

Deno.test("iwaeBound() with J = 1 is the plain loss and is stable for large losses", () => {
  assertAlmostEquals(iwaeBound(new Float64Array([3, 5]), [2, 1]), 4, 1e-15);
  // L = (1000, 1000 + ln 3): log 2 + 1000 − log(1 + 1/3)
  assertAlmostEquals(
    iwaeBound(new Float64Array([1000, 1000 + Math.log(3)]), [1, 2]),
    1000 + Math.log(1.5),
    1e-9,
  );
});

Deno.test("iwaeBound() lies between the best loss and the mean loss (Jensen)", () => {
  const l = new Float64Array([0.3, 1.7, 2.2, 0.9]);
  const v = iwaeBound(l, [1, 4]);
  if (!(v >= 0.3 && v <= (0.3 + 1.7 + 2.2 + 0.9) / 4)) throw new Error(`bound ${v} out of range`);
});

Deno.test("iwaeBound() rejects losses that do not fill the shape", () => {
  assertThrows(() => iwaeBound(new Float64Array(3), [2, 2]), RangeError, "Cannot compute iwaeBound");
});
