import { assert, assertEquals, assertThrows } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { hostCompute } from "../tensor/host.ts";
import { proximalLoops } from "../tensor/heap_kernels.ts";
import { Rng } from "../tensor/rng.ts";
import { softThreshold, softThresholdInto } from "./soft_threshold.ts";

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

Deno.test("softThresholdInto() on views of the wasm heap (the SIMD loop) equals the JavaScript loop bit for bit", async () => {
  await useBackend("wasm");
  const rng = new Rng(11);
  const t = 0.3;
  for (const n of [1, 3, 4, 5, 1027]) {
    // values spanning magnitudes, and the edge cases: ±t exactly, ±0, NaN, infinities
    const values = Float32Array.from({ length: n }, () => rng.normal() * 10 ** (rng.next() * 4 - 2));
    const edges = [Math.fround(t), -Math.fround(t), 0, -0, NaN, Infinity, -Infinity];
    edges.slice(0, n).forEach((e, i) => values[(i * 7) % n] = e);
    const expected = new Float32Array(n);
    softThresholdInto(values, t, expected); // plain arrays: the JavaScript loop
    const v = tf.tensor1d(values);
    const [x] = hostCompute([v], [[n]], ([vv], [xv]) => {
      assert(proximalLoops(vv, xv) !== null, "heap views take the SIMD loop");
      softThresholdInto(vv, t, xv);
    });
    assertEquals(
      new Uint32Array((await x.data() as Float32Array).buffer),
      new Uint32Array(expected.buffer),
      `n = ${n}`,
    );
    tf.dispose([v, x]);
  }
  assertEquals(proximalLoops(new Float32Array(4)), null);
  await useBackend("cpu");
});
