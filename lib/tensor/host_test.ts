import { assertEquals, assertThrows } from "../testing/assert.ts";
import { tf } from "./tf.ts";
import { useBackend } from "./backend.ts";
import { hostCompute } from "./host.ts";

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`hostCompute() on ${backend}: reads inputs, writes zero-initialised outputs, leaves nothing behind`, async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    // An output large enough to grow the wasm heap: input views must be taken after it is allocated.
    const big = 48 * 1024 * 1024 / 4;
    const [y, z] = hostCompute([x], [[3], [big]], ([xv], [yv, zv]) => {
      for (let i = 0; i < xv.length; i++) yv[i] += 2 * xv[i];
      zv[big - 1] = xv[2];
    });
    assertEquals([...y.dataSync()], [2, 4, 6]);
    const zv = z.dataSync();
    assertEquals([zv[0], zv[big - 1]], [0, 3]);
    const ints = tf.tensor1d([1], "int32");
    assertThrows(() => hostCompute([ints], [[1]], () => {}), TypeError, "float32");
    tf.dispose([x, y, z, ints]);
    assertEquals(tf.memory().numTensors, before);
  });
}
