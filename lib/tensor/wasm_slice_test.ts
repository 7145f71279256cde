import assert from "node:assert/strict";
import { tf } from "./tf.ts";
import { useBackend } from "./backend.ts";
import { Rng } from "./rng.ts";
import { registerFastSlice, unregisterFastSlice } from "./wasm_slice.ts";

Deno.test("registerFastSlice() gives the same slices as the stock wasm kernel for ranks 1–6", async () => {
  await useBackend("wasm");
  const rng = new Rng(3);
  const cases: [number[], number[], number[]][] = [
    [[10], [2], [5]],
    [[4, 5], [1, 0], [2, 5]],
    [[4, 5, 6], [1, 2, 0], [2, 3, 6]],
    [[3, 4, 5, 6], [0, 1, 2, 1], [3, 2, 2, 4]],
    [[3, 4, 5, 6], [1, 0, 0, 0], [2, 4, 5, 6]],
    [[2, 3, 4, 5, 2], [1, 1, 0, 2, 0], [1, 2, 4, 3, 2]],
    [[2, 3, 2, 3, 2, 2], [0, 1, 1, 0, 1, 0], [2, 2, 1, 3, 1, -1]],
  ];
  const inputs = cases.map(([shape]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape));
  const stockOut = cases.map(([, begin, size], i) => tf.slice(inputs[i], begin, size).arraySync());
  assert.ok(registerFastSlice());
  try {
    cases.forEach(([, begin, size], i) =>
      assert.deepEqual(tf.slice(inputs[i], begin, size).arraySync(), stockOut[i])
    );
  } finally {
    unregisterFastSlice();
    tf.dispose(inputs);
  }
});
