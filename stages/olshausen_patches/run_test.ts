import { assert, assertEquals, assertThrows } from "../../lib/testing/assert.ts";
import { join } from "node:path";
import type { Progress, StageContext } from "../../pipeline/stage.ts";
import { readPatchSet } from "../../data/patch_set.ts";
import { DEFAULT_MAT_PATH, PROJECT_ROOT } from "../../data/scene_source.ts";
import { stage } from "./mod.ts";
import type { OlshausenPatchesParams } from "./params.ts";

const SMALL: OlshausenPatchesParams = {
  ...stage.defaults,
  source: "embedded",
  patch_size: 8,
  n_train: 200,
  n_val: 40,
  embedded_images: 2,
  embedded_size: 32,
};

function context(
  params: OlshausenPatchesParams,
  outDir: string,
  logs: string[],
): StageContext<OlshausenPatchesParams> {
  return {
    params,
    outDir,
    input: () => {
      throw new Error("no inputs");
    },
    inputList: () => [],
    backend: "cpu",
    progress: (_p: Progress) => {},
    log: (m) => logs.push(m),
  };
}

Deno.test("olshausen_patches run() writes a patch set that readPatchSet() reads back", async () => {
  const dir = await Deno.makeTempDir();
  const logs: string[] = [];
  const metrics = await stage.run(context(SMALL, dir, logs));
  assertEquals(metrics?.n_train, 200);
  assertEquals(metrics?.source_kind, "embedded");
  const set = await readPatchSet(dir);
  assertEquals([set.nTrain, set.nVal, set.dim, set.train.length], [200, 40, 64, 200 * 64]);
  assertEquals(set.meta.provenance.kind, "embedded");
  assertEquals(set.meta.mean.length, 64);
  assert(logs.some((l) => l.startsWith("scenes: embedded")), logs.join("\n"));
  // Same params, same bytes.
  const dir2 = await Deno.makeTempDir();
  await stage.run(context(SMALL, dir2, []));
  assertEquals(await Deno.readFile(join(dir2, "train.f32")), await Deno.readFile(join(dir, "train.f32")));
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(dir2, { recursive: true });
});

Deno.test("olshausen_patches validate() names the bad field", () => {
  assertThrows(
    () => stage.validate!({ ...SMALL, source: "web" }),
    TypeError,
    '"params.source" must be one of',
  );
  assertThrows(() => stage.validate!({ ...SMALL, n_val: 1.5 }), RangeError, '"params.n_val"');
  assertThrows(
    () => stage.validate!({ ...SMALL, embedded_size: 100 }),
    RangeError,
    '"params.embedded_size" must be a power of two',
  );
  assertThrows(
    () => stage.validate!({ ...SMALL, n_trian: 5 } as OlshausenPatchesParams),
    TypeError,
    'unknown field "params.n_trian"',
  );
  stage.validate!(stage.defaults);
});

Deno.test("olshausen_patches files() lists exactly the files the chosen source reads", async () => {
  assertEquals(stage.files!(SMALL), []);
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "01.tif"), "x");
  await Deno.writeTextFile(join(dir, "readme.txt"), "x");
  // Under "auto" a fetched data-cache/IMAGES.mat takes precedence over any raw folder.
  const cached = join(PROJECT_ROOT, DEFAULT_MAT_PATH);
  const hasCached = await Deno.stat(cached).then(() => true, () => false);
  assertEquals(
    stage.files!({ ...SMALL, source: "auto", raw_dir: dir }),
    hasCached ? [cached] : [join(dir, "01.tif")],
  );
  assertEquals(
    stage.files!({ ...SMALL, source: "auto", raw_dir: join(dir, "missing") }),
    hasCached ? [cached] : [],
  );
  assertThrows(
    () => stage.files!({ ...SMALL, source: "mat", mat_path: join(dir, "IMAGES.mat") }),
    Error,
    "not found",
  );
  await Deno.remove(dir, { recursive: true });
});
