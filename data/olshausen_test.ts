import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../lib/testing/assert.ts";
import sharp from "sharp";
import { join } from "node:path";
import { compressed, matFile, matrix } from "./_mat_v5_fixture.ts";
import { loadScenes } from "./olshausen.ts";
import { PROJECT_ROOT } from "./scene_source.ts";

const RAW_DIR = join(PROJECT_ROOT, "../shared/data/olshausen-raw");
const HAS_RAW = (() => {
  try {
    return Deno.statSync(join(RAW_DIR, "01.tif")).isFile;
  } catch {
    return false;
  }
})();

function meanVariance(images: Float64Array[]): number {
  return images.reduce((a, x) => {
    const m = x.reduce((s, v) => s + v) / x.length;
    return a + x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1);
  }, 0) / images.length;
}

Deno.test("loadScenes() reads IMAGES from a MAT-file column-major and warns on an unknown blob id", async () => {
  const dir = Deno.makeTempDirSync();
  // 4×4×2, value at (r, c, k) = 100k + 10r + c, written column-major (r fastest).
  const values: number[] = [];
  for (let k = 0; k < 2; k++) {
    for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) values.push(100 * k + 10 * r + c);
  }
  const path = join(dir, "IMAGES.mat");
  Deno.writeFileSync(
    path,
    matFile([compressed(matrix("IMAGES", 6, [4, 4, 2], values, "f64", true), true)], true),
  );
  const s = await loadScenes(`mat:${path}`);
  assertEquals(s.size, 4);
  assertEquals(s.images[1][2 * 4 + 3], 123); // image 1, row 2, col 3
  assertEquals(s.provenance.kind, "mat");
  assertEquals(s.provenance.warnings.length, 1);
  assert(s.provenance.warnings[0].includes("18a1e3ab"), s.provenance.warnings[0]);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("loadScenes() names a corrupt MAT-file and says how to get a good one", async () => {
  const dir = Deno.makeTempDirSync();
  const path = join(dir, "IMAGES.mat");
  Deno.writeFileSync(path, new Uint8Array(200).fill(7));
  await assertRejects(() => loadScenes(`mat:${path}`), Error, `file "${path}" is not a usable IMAGES.mat`);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("loadScenes() centre-crops a folder of images to a power-of-two square and whitens them", async () => {
  const dir = Deno.makeTempDirSync();
  for (const [i, [w, h]] of [[40, 36], [36, 50]].entries()) {
    const px = Uint8Array.from({ length: w * h }, (_, j) => (j * 37 + i * 11) % 251);
    await sharp(px, { raw: { width: w, height: h, channels: 1 } }).png().toFile(join(dir, `${i}.png`));
  }
  const s = await loadScenes(`raw:${dir}`);
  assertEquals([s.images.length, s.size], [2, 32]);
  assertEquals(s.provenance.kind, "raw");
  assert(s.provenance.description.includes("centre-cropped to 32²"), s.provenance.description);
  assertAlmostEquals(meanVariance(s.images), 0.1, 1e-12, "mean variance");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("loadScenes() names an image that does not decode", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(join(dir, "bad.png"), "not a png");
  await assertRejects(
    () => loadScenes(`raw:${dir}`),
    Error,
    `image "${join(dir, "bad.png")}" does not decode`,
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("loadScenes() generates and whitens the embedded scenes when asked", async () => {
  const s = await loadScenes("embedded", { embeddedCount: 2, embeddedSize: 64, embeddedSeed: 3 });
  assertEquals([s.images.length, s.size, s.provenance.kind], [2, 64, "embedded"]);
  assertAlmostEquals(meanVariance(s.images), 0.1, 1e-12, "mean variance");
});

Deno.test({
  name: "loadScenes() whitens the ten raw Olshausen scenes to 512² with mean variance 0.1",
  ignore: !HAS_RAW, // the shared data folder is absent on a fresh install
  async fn() {
    const s = await loadScenes(`raw:${RAW_DIR}`);
    assertEquals([s.images.length, s.size], [10, 512]);
    assertAlmostEquals(meanVariance(s.images), 0.1, 1e-12, "mean variance");
    assert(s.provenance.description.includes("10 raw scenes"), s.provenance.description);
  },
});
