import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { assertEquals, assertNotEquals } from "../lib/testing/assert.ts";
import { CodeHasher } from "./code_hash.ts";
import { FileHashes } from "./file_hashes.ts";
import { fingerprintFile } from "./code_fingerprint.ts";

const CONFIG = fileURLToPath(new URL("../deno.json", import.meta.url));

async function project() {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, "stages/k"), { recursive: true });
  await Deno.mkdir(join(root, "lib"));
  await Deno.writeTextFile(
    join(root, "stages/k/mod.ts"),
    `import { h } from "../../lib/h.ts";\nimport "yaml";\nexport const x = h;\n`,
  );
  await Deno.writeTextFile(
    join(root, "lib/h.ts"),
    `export type T = import("./t.ts").T;\nexport const h = 1;\n`,
  );
  await Deno.writeTextFile(join(root, "lib/t.ts"), `export type T = number;\n`);
  await Deno.writeTextFile(join(root, "lib/unused.ts"), `export const u = 1;\n`);
  const hasher = () =>
    new CodeHasher({
      root,
      config: CONFIG,
      memoPath: join(root, "graphs.json"),
      fileHashes: new FileHashes(join(root, "memo.json"), fingerprintFile),
    });
  return { root, module: join(root, "stages/k/mod.ts"), hasher };
}

Deno.test("CodeHasher covers transitive local imports, type imports included, and exact npm versions", async () => {
  const { module, hasher } = await project();
  const code = await hasher().hash(module);
  assertEquals(Object.keys(code.files), ["lib/h.ts", "lib/t.ts", "stages/k/mod.ts"]);
  assertEquals(code.packages, ["npm:yaml@2.8.1"]);
});

Deno.test("CodeHasher changes the hash when a transitively imported file changes, and reuses its memo otherwise", async () => {
  const { root, module, hasher } = await project();
  const first = hasher();
  const before = await first.hash(module);
  await first.save();
  await Deno.writeTextFile(join(root, "lib/unused.ts"), `export const u = 2;\n`);
  assertEquals((await hasher().hash(module)).hash, before.hash);
  await Deno.writeTextFile(join(root, "lib/t.ts"), `// a comment\nexport  type T = number\n`);
  assertEquals((await hasher().hash(module)).hash, before.hash, "a comment and formatting are not code");
  await Deno.writeTextFile(join(root, "lib/t.ts"), `export type T = string;\n`);
  const after = await hasher().hash(module);
  assertNotEquals(after.hash, before.hash);
  assertNotEquals(after.files["lib/t.ts"], before.files["lib/t.ts"]);
  assertEquals(after.files["lib/h.ts"], before.files["lib/h.ts"]);
});
