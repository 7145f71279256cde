/**
 * End-to-end through the CLI, with real processes: `kill -9` during a run, and two runs at once.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../lib/testing/assert.ts";
import { makeToyRoot } from "./fixtures/toy_root.ts";
import { reproduce } from "../pipeline/reproduce.ts";

const CLI = fileURLToPath(new URL("../pipeline/cli.ts", import.meta.url));

function spawnReproduce(root: string, target: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "--root", root, "reproduce", target, "--jobs", "2"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function readUntil(stream: ReadableStream<Uint8Array>, text: string): Promise<string> {
  let seen = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    seen += chunk;
    if (seen.includes(text)) return seen;
  }
  throw new Error(`stream ended before "${text}":\n${seen}`);
}

async function manifests(root: string, kind: string): Promise<string[]> {
  const found: string[] = [];
  const dir = join(root, "results/cache", kind);
  if (!await Deno.stat(dir).then(() => true, () => false)) return found;
  for await (const entry of Deno.readDir(dir)) {
    const path = join(root, "results/cache", kind, entry.name, "manifest.json");
    if (await Deno.stat(path).then(() => true, () => false)) found.push(path);
  }
  return found;
}

Deno.test("kill -9 during a slow stage leaves no complete entry, and the next run cleans up and completes", async () => {
  const root = await makeToyRoot();
  await Deno.writeTextFile(
    join(root, "experiments/slow.yaml"),
    "stages:\n  slow: { kind: slow, params: { ms: 1500 } }\n",
  );
  const child = spawnReproduce(root, "slow");
  await readUntil(child.stdout, "running  slow");
  // Let the worker start writing its partial output.
  await new Promise((r) => setTimeout(r, 700));
  child.kill("SIGKILL");
  await child.status;
  await child.stderr.cancel();
  assertEquals(await manifests(root, "slow"), []);
  const leftovers = [...Deno.readDirSync(join(root, "results/cache/.tmp"))];
  assertEquals(leftovers.length, 1);

  const result = await reproduce({ root, target: "slow" });
  assert(result.ok);
  assertEquals(result.outcomes[0].status, "ran");
  assert(result.cleaned.some((path) => path.endsWith(leftovers[0].name)), "stale temp area removed");
  assertEquals((await manifests(root, "slow")).length, 1);
  assertEquals([...Deno.readDirSync(join(root, "results/cache/.tmp"))], []);
});

Deno.test("two reproduce processes at once compute each key once", async () => {
  const root = await makeToyRoot();
  const [a, b] = [spawnReproduce(root, "slow"), spawnReproduce(root, "slow")];
  const [outA, outB] = await Promise.all([a.output(), b.output()]);
  assertEquals([outA.code, outB.code], [0, 0]);
  for (const kind of ["slow", "concat"]) {
    const [manifest] = await manifests(root, kind);
    const { key } = JSON.parse(await Deno.readTextFile(manifest));
    const log = await Deno.readTextFile(join(root, "results/cache/logs", `${kind}-${key}.log`));
    assertEquals(log.match(/^=== .* started/gm)?.length, 1, `${kind} ran once`);
  }
});
