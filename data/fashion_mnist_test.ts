import assert from "node:assert/strict";
import { FASHION_MNIST_DEFAULT_DIR, loadFashionMnist } from "./fashion_mnist.ts";

const present = (() => {
  try {
    Deno.statSync(`${FASHION_MNIST_DEFAULT_DIR}/t10k-images-idx3-ubyte.gz`);
    return true;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "loadFashionMnist() reads the test split with pixels in [0, 1] and labels 0..9",
  ignore: !present,
  fn() {
    const s = loadFashionMnist(FASHION_MNIST_DEFAULT_DIR, "test", { limit: 50 });
    assert.deepEqual(s.n, 50);
    assert.deepEqual(s.images.length, 50 * 784);
    assert.ok(s.images.every((v) => v >= 0 && v <= 1));
    assert.ok(s.labels.every((l) => l < 10));
    assert.deepEqual(s.labels[0], 9); // the first Fashion-MNIST test image is an ankle boot
  },
});

Deno.test("loadFashionMnist() of a missing folder names the apt package", () => {
  assert.throws(() => loadFashionMnist("/nonexistent", "train"), {
    message: new RegExp(RegExp.escape("apt-get install dataset-fashion-mnist")),
  });
});
