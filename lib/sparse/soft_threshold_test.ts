import { assertEquals, assertThrows } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { softThreshold } from "./soft_threshold.ts";

await useBackend("cpu");

Deno.test("softThreshold() shrinks towards zero by t and gives exact zeros inside [-t, t]", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor1d([-3, -1, -0.25, 0, 0.25, 1, 3]);
  const y = softThreshold(x, 1);
  assertEquals(Array.from(y.dataSync()), [-2, 0, 0, 0, 0, 0, 2]);
  x.dispose();
  y.dispose();
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("softThreshold() at t = 0 is the identity", () => {
  const x = tf.tensor1d([-1.5, 0, 2.5]);
  const y = softThreshold(x, 0);
  assertEquals(Array.from(y.dataSync()), [-1.5, 0, 2.5]);
  tf.dispose([x, y]);
});

Deno.test("softThreshold() rejects a negative threshold", () => {
  const x = tf.scalar(1);
  assertThrows(() => softThreshold(x, -1), RangeError, "Cannot soft-threshold");
  x.dispose();
});
