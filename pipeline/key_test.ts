import { assertEquals, assertNotEquals } from "../lib/testing/assert.ts";
import { cacheKey, type KeyInput } from "./key.ts";
import { canonicalJson } from "./canonical_json.ts";

const fixed: KeyInput = {
  kind: "concat",
  params: { text: "b", sep: "-", nested: { z: 1, a: [1, 2] } },
  inputKeys: { left: "a".repeat(64), all: ["b".repeat(64), "c".repeat(64)] },
  codeHash: "d".repeat(64),
  files: { "data/x.bin": "e".repeat(64), "data/absent": null },
  env: { backend: "wasm" },
};

Deno.test("cacheKey() of a fixed instance equals sha256sum of its hand-written canonical JSON", () => {
  // Pinned from `printf '%s' '<the text below>' | sha256sum`; a change here invalidates every cache.
  const canonical = '{"codeHash":"' + "d".repeat(64) + '","env":{"backend":"wasm"},' +
    '"files":{"data/absent":null,"data/x.bin":"' + "e".repeat(64) + '"},' +
    '"inputKeys":{"all":["' + "b".repeat(64) + '","' + "c".repeat(64) + '"],"left":"' + "a".repeat(64) +
    '"},' +
    '"kind":"concat","params":{"nested":{"a":[1,2],"z":1},"sep":"-","text":"b"}}';
  assertEquals(canonicalJson(fixed), canonical);
  assertEquals(cacheKey(fixed), "ff36c02d86fa2b77a2174b99efc82e47f6ea085f6b46882fc2a1eaedf0a7efa6");
});

Deno.test("cacheKey() ignores the order of object keys", () => {
  const reordered: KeyInput = {
    env: fixed.env,
    files: { "data/absent": null, "data/x.bin": "e".repeat(64) },
    codeHash: fixed.codeHash,
    inputKeys: { all: fixed.inputKeys.all, left: fixed.inputKeys.left },
    params: { nested: { a: [1, 2], z: 1 }, sep: "-", text: "b" },
    kind: "concat",
  };
  assertEquals(cacheKey(reordered), cacheKey(fixed));
});

Deno.test("cacheKey() changes with each field and with the order of a gathered input", () => {
  const base = cacheKey(fixed);
  assertNotEquals(cacheKey({ ...fixed, kind: "upper" }), base);
  assertNotEquals(cacheKey({ ...fixed, params: { ...fixed.params, text: "c" } }), base);
  assertNotEquals(cacheKey({ ...fixed, codeHash: "f".repeat(64) }), base);
  assertNotEquals(cacheKey({ ...fixed, env: {} }), base);
  assertNotEquals(cacheKey({ ...fixed, files: {} }), base);
  assertNotEquals(
    cacheKey({ ...fixed, inputKeys: { ...fixed.inputKeys, all: ["c".repeat(64), "b".repeat(64)] } }),
    base,
  );
});
