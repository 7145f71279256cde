/**
 * Golden tests of the code fingerprint: what must not change it (comments, JSDoc, whitespace, line breaks,
 * quotes, semicolons, trailing commas, and `deno fmt` itself on this repository's modules) and what must.
 */
import { codeFingerprint } from "./code_fingerprint.ts";
import { join } from "node:path";

const BASE = `
import { a } from "./a.ts";
export function f(x: number, y = 'q'): number[] {
  const out = [x, y.length];
  for (let i = 0; i < 3; i++) out.push(i);
  return out.map((v) => v * 2 + a);
}
`;

/** Formatting and comments only. */
const SAME = [
  `// header\nimport {a} from './a.ts'\n/** doc */\nexport function f(x: number, y = "q"): number[] {\n  // why\n  const out = [\n    x,\n    y.length,\n  ]\n  for (let i = 0; i < 3; i++) out.push(i)\n  return out.map((v) => v * 2 + a /* inline */)\n}\n`,
  BASE.replaceAll("\n", "\r\n").replaceAll("  ", "\t"),
];

/** Code changes, each of a single token or of the tree. */
const DIFFERENT = [
  BASE.replace("i < 3", "i <= 3"),
  BASE.replace("'q'", "'r'"),
  BASE.replace("v * 2 + a", "v * (2 + a)"),
  BASE.replace("number[]", "string[]"),
  BASE.replace("let i = 0; i < 3; i++", "let i = 0; ; i++"),
  BASE.replace("const out = [x, y.length];", "const out = [x, , y.length];"),
];

Deno.test("codeFingerprint() ignores comments and formatting but not code", async () => {
  const base = await codeFingerprint("m.ts", BASE);
  for (const [i, same] of SAME.entries()) {
    if (await codeFingerprint("m.ts", same) !== base) {
      throw new Error(`formatting-only variant ${i} changed it`);
    }
  }
  for (const [i, different] of DIFFERENT.entries()) {
    if (await codeFingerprint("m.ts", different) === base) {
      throw new Error(`code change ${i} did not change it`);
    }
  }
});

Deno.test("codeFingerprint() keeps statement boundaries: `a\\n(b)` (a call) differs from `a;\\n(b)`", async () => {
  if (await codeFingerprint("m.ts", "a\n(b)") === await codeFingerprint("m.ts", "a;\n(b)")) {
    throw new Error("a call and two statements must differ");
  }
});

/** The TypeScript modules under these folders of the repository, relative to its root. */
function modules(root: URL, folders: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(new URL(dir, root))) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory) walk(`${path}/`);
      else if (path.endsWith(".ts")) out.push(path);
    }
  };
  folders.forEach(walk);
  return out.sort();
}

Deno.test("codeFingerprint() of every module of lib/, pipeline/ and stages/ survives deno fmt with other widths, quotes and no semicolons", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const root = new URL("../", import.meta.url);
    const files = modules(root, ["lib/", "pipeline/", "stages/"]);
    const before: string[] = [];
    for (const [i, f] of files.entries()) {
      const text = await Deno.readTextFile(new URL(f, root));
      before.push(await codeFingerprint(f, text));
      await Deno.writeTextFile(join(dir, `${i}.ts`), text);
    }
    const fmt = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--line-width=60", "--single-quote", "--no-semicolons", "--indent-width=4", dir],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!fmt.success) throw new Error(new TextDecoder().decode(fmt.stderr));
    for (const [i, f] of files.entries()) {
      const text = await Deno.readTextFile(join(dir, `${i}.ts`));
      if (await codeFingerprint(f, text) !== before[i]) {
        throw new Error(`${f}: reformatting changed its fingerprint`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("codeFingerprint() hashes other files by their text", async () => {
  if (await codeFingerprint("a.json", '{"a": 1}') === await codeFingerprint("a.json", '{"a":1}')) {
    throw new Error("JSON is data: its bytes count");
  }
});
