import assert from "node:assert/strict";
import { runStage } from "./testing.ts";
import { readImageSet, readMeta, stage } from "./mod.ts";

const fmnist = (() => {
  try {
    return Deno.statSync("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").isFile;
  } catch {
    return false;
  }
})();
const celeba = (() => {
  try {
    return Deno.statSync("../shared/data/celeba-subset/img_align_celeba").isDirectory;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "dnn_data writes a Fashion-MNIST slice as 8-bit NHWC with labels",
  ignore: !fmnist,
  async fn() {
    const r = await runStage(stage, { dataset: "fashion_mnist", n_train: 64, n_test: 32 });
    const meta = readMeta(r.dir);
    assert.deepEqual([meta.nTrain, meta.nTest, meta.height, meta.channels], [64, 32, 28, 1]);
    const test = readImageSet(r.dir, "test");
    assert.equal(test.bytes.length, 32 * 784);
    assert.equal(test.labels![0], 9);
    Deno.removeSync(r.dir, { recursive: true });
  },
});

Deno.test({
  name: "dnn_data writes a CelebA slice at 64×64 plus the 32×32 test copy",
  ignore: !celeba,
  async fn() {
    const r = await runStage(stage, { dataset: "celeba", n_train: 6, n_test: 4 });
    const meta = readMeta(r.dir);
    assert.deepEqual([meta.nTrain, meta.nTest, meta.height, meta.channels, meta.smallSize], [
      6,
      4,
      64,
      3,
      32,
    ]);
    assert.equal(readImageSet(r.dir, "test_small").bytes.length, 4 * 32 * 32 * 3);
    assert.equal(stage.files!(r.params).length, 10);
    Deno.removeSync(r.dir, { recursive: true });
  },
});

Deno.test("dnn_data with no data says in one line what to install or pass", async () => {
  await assert.rejects(
    runStage(stage, { dataset: "fashion_mnist", data_dir: "/nonexistent" }),
    (e: Error) => /apt-get install dataset-fashion-mnist/.test(e.message) && !e.message.includes("\n"),
  );
  await assert.rejects(
    runStage(stage, { dataset: "celeba", data_dir: "/nonexistent" }),
    (e: Error) => /--param data_dir=/.test(e.message) && !e.message.includes("\n"),
  );
});
