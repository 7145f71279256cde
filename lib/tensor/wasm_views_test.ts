import { assert, assertEquals } from "../testing/assert.ts";
import { tf } from "./tf.ts";
import { useBackend } from "./backend.ts";
import { Rng } from "./rng.ts";
import { registerViewKernels, unregisterViewKernels } from "./wasm_views.ts";

Deno.test("registerViewKernels() Slice gives the same slices as the stock wasm kernel for ranks 1–6", async () => {
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
  assert(registerViewKernels());
  try {
    cases.forEach(([, begin, size], i) =>
      assertEquals(tf.slice(inputs[i], begin, size).arraySync(), stockOut[i])
    );
  } finally {
    unregisterViewKernels();
    tf.dispose(inputs);
  }
});

Deno.test("registerViewKernels() Identity shares memory: clones outlive their source and nothing leaks", async () => {
  await useBackend("wasm");
  assert(registerViewKernels());
  try {
    const before = tf.memory();
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    assertEquals(tf.memory().numDataBuffers, before.numDataBuffers + 1, "a clone holds no memory of its own");
    x.dispose();
    assertEquals([...y.dataSync()], [1, 2, 3]);
    // the tape's saved clones: a gradient through a product keeps working and frees everything
    const w0 = tf.tensor2d([[1, 2], [3, 4]]), w = tf.variable(w0);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.matMul(tf.tensor2d([[1, 1]]), w)), [w]);
    assertEquals([...grads[w.name].dataSync()], [1, 1, 1, 1]);
    tf.dispose([y, w0, w, value, grads[w.name]]);
    assertEquals(tf.memory().numTensors, before.numTensors);
    assertEquals(tf.memory().numBytes, before.numBytes);
    assertEquals(tf.memory().numDataBuffers, before.numDataBuffers);
  } finally {
    unregisterViewKernels();
  }
});
