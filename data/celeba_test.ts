import assert from "node:assert/strict";
import { celebaSplitOfIndex, listCeleba, loadCelebaImages } from "./celeba.ts";

const ROOT = "../shared/data/celeba-subset";
const present = (() => {
  try {
    return Deno.statSync(`${ROOT}/img_align_celeba`).isDirectory;
  } catch {
    return false;
  }
})();

Deno.test("celebaSplitOfIndex() follows the official boundaries", () => {
  assert.equal(celebaSplitOfIndex(162770), "train");
  assert.equal(celebaSplitOfIndex(162771), "val");
  assert.equal(celebaSplitOfIndex(182637), "val");
  assert.equal(celebaSplitOfIndex(182638), "test");
});

Deno.test("listCeleba() of a missing folder says where to get the data", () => {
  assert.throws(() => listCeleba("/nonexistent"), /Cannot load CelebA: .* not found; download/);
});

Deno.test({
  name: "loadCelebaImages() crops and resizes real faces to 64×64 and 32×32 RGB in [0, 1]",
  ignore: !present,
  async fn() {
    const entries = listCeleba(ROOT);
    assert.ok(entries.some((e) => e.split === "test") && entries.some((e) => e.split === "train"));
    const paths = entries.slice(0, 3).map((e) => e.path);
    const x64 = await loadCelebaImages(paths, { size: 64 });
    const x32 = await loadCelebaImages(paths, { size: 32 });
    assert.equal(x64.length, 3 * 64 * 64 * 3);
    assert.equal(x32.length, 3 * 32 * 32 * 3);
    assert.ok(x64.every((v) => v >= 0 && v <= 1));
    // The 32×32 image is roughly the 2×2 average of the 64×64 one (same crop, smaller size).
    let err = 0;
    for (let r = 0; r < 32; r++) {
      for (let c = 0; c < 32; c++) {
        for (let ch = 0; ch < 3; ch++) {
          const a = (i: number, j: number) => x64[(i * 64 + j) * 3 + ch];
          const avg =
            (a(2 * r, 2 * c) + a(2 * r + 1, 2 * c) + a(2 * r, 2 * c + 1) + a(2 * r + 1, 2 * c + 1)) / 4;
          err += Math.abs(avg - x32[(r * 32 + c) * 3 + ch]);
        }
      }
    }
    assert.ok(err / (32 * 32 * 3) < 0.05, `mean abs difference ${err / 3072}`);
  },
});

Deno.test("a corrupt or truncated CelebA JPEG fails with an error naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = `${dir}/000001.jpg`;
    await Deno.writeFile(bad, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])); // a JPEG header, then nothing
    await assert.rejects(() => loadCelebaImages([bad]), (error: Error) => {
      assert.ok(error.message.startsWith(`Cannot load ${bad}: not a readable JPEG`), error.message);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
