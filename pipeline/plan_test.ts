import { assertEquals } from "../lib/testing/assert.ts";
import type { Manifest, PreviousRun } from "./manifest.ts";
import { type EntryState, type KeyedInstance, plan } from "./plan.ts";

const instance = (over: Partial<KeyedInstance> = {}): KeyedInstance => ({
  id: "train[seed=0]",
  stage: "train",
  kind: "train",
  params: { epochs: 2, opt: { lr: 0.1 } },
  identity: { seed: 0 },
  inputs: { data: "patches", all: ["a", "b"] },
  key: "new-key",
  inputKeys: { data: "kp", all: ["ka", "kb"] },
  code: { hash: "c", files: { "stages/train/mod.ts": "1", "lib/x.ts": "2" }, packages: ["npm:yaml@2.8.1"] },
  files: {},
  env: {},
  ...over,
});
const previous = (i: KeyedInstance, over: Partial<PreviousRun> = {}): PreviousRun => ({
  key: "old-key",
  params: i.params,
  inputKeys: i.inputKeys,
  files: i.files,
  env: i.env,
  code: { files: i.code.files, packages: i.code.packages },
  ...over,
});
const reasonOf = (
  i: KeyedInstance,
  prev?: PreviousRun,
  entry: EntryState = { state: "missing" },
  force?: string[],
) =>
  plan([i], {
    entries: new Map([[i.key, entry]]),
    previous: new Map(prev ? [[i.id, prev]] : []),
    force: new Set(force),
  })[0].reason;

Deno.test("plan() serves a complete entry from the cache with no reason", () => {
  const i = instance();
  assertEquals(reasonOf(i, undefined, { state: "complete", manifest: {} as Manifest }), null);
});

Deno.test("plan() says never run when no earlier run of the id is known", () => {
  assertEquals(reasonOf(instance()), { type: "new" });
});

Deno.test("plan() names a changed nested param with its old and new value", () => {
  const i = instance();
  assertEquals(reasonOf(i, previous(i, { params: { epochs: 2, opt: { lr: 0.2 } } })), {
    type: "params",
    changes: [{ field: "opt.lr", old: 0.2, new: 0.1 }],
  });
});

Deno.test("plan() names changed, added and removed code files and packages", () => {
  const i = instance();
  const prev = previous(i, {
    code: {
      files: { "stages/train/mod.ts": "1", "lib/x.ts": "0", "lib/gone.ts": "3" },
      packages: ["npm:yaml@2.8.0"],
    },
  });
  assertEquals(reasonOf(i, prev), {
    type: "code",
    files: ["lib/gone.ts", "lib/x.ts", "npm:yaml@2.8.0", "npm:yaml@2.8.1"],
  });
});

Deno.test("plan() names the upstream instance whose key changed, single or gathered", () => {
  const i = instance();
  assertEquals(reasonOf(i, previous(i, { inputKeys: { data: "kp", all: ["ka", "old"] } })), {
    type: "input",
    upstream: ["b"],
  });
  assertEquals(reasonOf(i, previous(i, { inputKeys: { data: "old", all: ["ka", "kb", "kc"] } })), {
    type: "input",
    upstream: ["patches", "all[]"],
  });
});

Deno.test("plan() reports a data file and a backend change", () => {
  const i = instance({ files: { "data/IMAGES.mat": "new" }, env: { backend: "webgpu" } });
  assertEquals(reasonOf(i, previous(i, { files: { "data/IMAGES.mat": "old" } })), {
    type: "data",
    files: ["data/IMAGES.mat"],
  });
  assertEquals(reasonOf(i, previous(i, { env: { backend: "wasm" } })), {
    type: "env",
    changes: [{ field: "backend", old: "wasm", new: "webgpu" }],
  });
});

Deno.test("plan() puts forced before cached and reports corrupt entries", () => {
  const i = instance();
  assertEquals(reasonOf(i, undefined, { state: "complete", manifest: {} as Manifest }, ["train"]), {
    type: "forced",
  });
  assertEquals(reasonOf(i, undefined, { state: "corrupt", detail: "x" }), { type: "corrupt", detail: "x" });
  assertEquals(reasonOf(i, previous(i)), { type: "missing" });
});
