import { assertEquals, assertRejects } from "../lib/testing/assert.ts";
import { join } from "node:path";
import { readPatchSet, writePatchSet } from "./patch_set.ts";

const META = {
  n_train: 2,
  n_val: 1,
  dim: 3,
  patch_size: 1,
  mean: [0],
  std: [1],
  provenance: { kind: "embedded", description: "test" },
};

Deno.test("readPatchSet() returns what writePatchSet() wrote, as little-endian float32", async () => {
  const dir = await Deno.makeTempDir();
  const train = new Float32Array([1, 2, 3, -4, 5.5, 6]), val = new Float32Array([0.25, -0.5, 7]);
  await writePatchSet(dir, { train, val, meta: META });
  const bytes = await Deno.readFile(join(dir, "train.f32"));
  assertEquals(new DataView(bytes.buffer).getFloat32(12, true), -4);
  const set = await readPatchSet(dir);
  assertEquals([set.train, set.val, set.dim, set.nTrain, set.nVal], [train, val, 3, 2, 1]);
  assertEquals(set.meta, META);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readPatchSet() names a data file whose size disagrees with meta.json", async () => {
  const dir = await Deno.makeTempDir();
  await writePatchSet(dir, { train: new Float32Array(6), val: new Float32Array(3), meta: META });
  await Deno.writeFile(join(dir, "val.f32"), new Uint8Array(8));
  await assertRejects(() => readPatchSet(dir), Error, "val.f32 has 8 bytes, expected 1 × 3 float32 = 12");
  await Deno.remove(dir, { recursive: true });
});
