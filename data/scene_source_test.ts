import { assertEquals, assertThrows } from "../lib/testing/assert.ts";
import { join } from "node:path";
import { resolveSceneSource, sourceFiles } from "./scene_source.ts";

function tempRoot(): string {
  return Deno.makeTempDirSync({ prefix: "scene_source_test_" });
}

Deno.test("resolveSceneSource() in auto mode falls back to the embedded scenes when nothing is present", () => {
  const root = tempRoot();
  assertEquals(resolveSceneSource("auto", { root, rawDir: "raw" }), { kind: "embedded" });
  Deno.removeSync(root, { recursive: true });
});

Deno.test("resolveSceneSource() in auto mode prefers a folder of images over the embedded scenes", () => {
  const root = tempRoot();
  Deno.mkdirSync(join(root, "raw"));
  for (const name of ["b.tif", "a.png", "notes.txt"]) Deno.writeTextFileSync(join(root, "raw", name), "x");
  const s = resolveSceneSource("auto", { root, rawDir: "raw" });
  assertEquals(s, {
    kind: "raw",
    dir: join(root, "raw"),
    files: [join(root, "raw", "a.png"), join(root, "raw", "b.tif")],
  });
  assertEquals(sourceFiles(s).length, 2);
  Deno.removeSync(root, { recursive: true });
});

Deno.test("resolveSceneSource() in auto mode prefers data-cache/IMAGES.mat over a raw folder", () => {
  const root = tempRoot();
  Deno.mkdirSync(join(root, "raw"));
  Deno.writeTextFileSync(join(root, "raw", "a.png"), "x");
  Deno.mkdirSync(join(root, "data-cache"));
  Deno.writeTextFileSync(join(root, "data-cache", "IMAGES.mat"), "x");
  assertEquals(resolveSceneSource("auto", { root, rawDir: "raw" }), {
    kind: "mat",
    path: join(root, "data-cache", "IMAGES.mat"),
  });
  Deno.removeSync(root, { recursive: true });
});

Deno.test("resolveSceneSource() rejects a user-given mat path that is missing, naming it and the fix", () => {
  const root = tempRoot();
  assertThrows(
    () => resolveSceneSource("auto", { root, matPath: "nope.mat" }),
    Error,
    `"${join(root, "nope.mat")}" not found`,
  );
  assertThrows(() => resolveSceneSource("mat:nope.mat", { root }), Error, "deno task fetch-data");
  assertThrows(
    () => resolveSceneSource("raw:nodir", { root }),
    Error,
    `folder "${join(root, "nodir")}" not found`,
  );
  Deno.removeSync(root, { recursive: true });
});

Deno.test("resolveSceneSource() rejects an unknown source spec and lists the valid ones", () => {
  assertThrows(() => resolveSceneSource("web"), TypeError, '"auto", "mat:<path>", "raw:<dir>" or "embedded"');
});
