/**
 * End-to-end: the engine on toy stages (string concatenation, upper-casing, scoring) in a throwaway root.
 * Runs are counted by wrapping the real local runner, so "zero runs" means no stage process was started.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../lib/testing/assert.ts";
import { countingRunner, editToyExperiment, makeToyRoot } from "./fixtures/toy_root.ts";
import { reproduce, type ReproduceOptions } from "../pipeline/reproduce.ts";
import { status } from "../pipeline/status.ts";

const ALL = ["report", "score[times=1]", "score[times=2]", "shout[times=1]", "shout[times=2]", "source"];

async function run(root: string, options: Partial<ReproduceOptions> = {}) {
  const counter = countingRunner(root);
  const result = await reproduce({ root, target: "toy", jobs: 2, ...options, runner: counter.runner });
  return { result, ran: counter.ran() };
}

Deno.test("reproduce() with nothing changed starts no stage process", async () => {
  const root = await makeToyRoot();
  assertEquals((await run(root)).ran, ALL);
  const again = await run(root);
  assertEquals(again.ran, []);
  assertEquals(again.result.outcomes.map((o) => o.status), Array(6).fill("cached"));
  // The logs, appended by every run, count one start per instance.
  let starts = 0;
  for await (const log of Deno.readDir(join(root, "results/cache/logs"))) {
    starts +=
      (await Deno.readTextFile(join(root, "results/cache/logs", log.name))).match(/^=== .* started/gm)!
        .length;
  }
  assertEquals(starts, 6);
});

Deno.test("reproduce() after a param change reruns exactly that stage and its descendants", async () => {
  const root = await makeToyRoot();
  await run(root);
  await editToyExperiment(
    root,
    "matrix: { times: [1, 2] }",
    "matrix: { times: [1, 2] }\n    params: { suffix: '!' }",
  );
  const lines = await status({ root, target: "toy" });
  assertEquals(lines.find((l) => l.id === "shout[times=2]")!.state, `stale: params changed: suffix "" → "!"`);
  assertEquals(lines.find((l) => l.id === "source")!.state, "cached");
  assertEquals((await run(root)).ran, [
    "report",
    "score[times=1]",
    "score[times=2]",
    "shout[times=1]",
    "shout[times=2]",
  ]);
});

Deno.test("reproduce() after editing the code of a module only the scoring stage imports reruns it and its dependants only; a comment reruns nothing", async () => {
  const root = await makeToyRoot();
  await run(root);
  // A comment is not code: nothing reruns.
  await Deno.writeTextFile(join(root, "lib/scoring.ts"), "// a comment\n", { append: true });
  assertEquals((await run(root)).ran, []);
  await Deno.writeTextFile(join(root, "lib/scoring.ts"), "export const unused = 1;\n", { append: true });
  const lines = await status({ root, target: "toy" });
  assertEquals(lines.find((l) => l.id === "score[times=1]")!.state, "stale: code changed: lib/scoring.ts");
  assertEquals(
    lines.find((l) => l.id === "report")!.state,
    "stale: input changed: score[times=1], score[times=2]",
  );
  // `upper` imports nothing and `concat` imports another helper: both untouched. The scores come out as before,
  // so the report is not rerun (early cut-off): its previous entry serves its new key.
  const again = await run(root);
  assertEquals(again.ran, ["score[times=1]", "score[times=2]"]);
  assertEquals(again.result.outcomes.map((o) => o.status), Array(6).fill("cached").fill("ran", 3, 5));
  assertEquals((await status({ root, target: "toy" })).filter((l) => l.state !== "cached"), []);
});

Deno.test("early cut-off: a refactor that changes no output reruns its stage only, through a chain of dependants", async () => {
  const root = await makeToyRoot();
  const first = await run(root);
  const events: string[] = [];
  // The same function, written differently: `source` reruns and writes the same bytes.
  await Deno.writeTextFile(
    join(root, "lib/join_text.ts"),
    "export function joinText(parts: string[], sep: string): string {\n" +
      '  let out = "";\n  for (const p of parts) if (p !== "") out += (out ? sep : "") + p;\n  return out;\n}\n',
  );
  const second = await run(root, { reporter: (e) => e.type === "reused" && events.push(e.id) });
  assertEquals(second.ran, ["source"]);
  assertEquals(events.sort(), ALL.filter((id) => id !== "source"));
  // New keys (the inputs' keys changed), the same outputs and metrics as the first run's entries.
  for (const [i, outcome] of second.result.outcomes.entries()) {
    const before = first.result.outcomes[i] as {
      manifest: { key: string; outputs: unknown; metrics: unknown };
    };
    const after = outcome as {
      manifest: { key: string; outputs: unknown; metrics: unknown; reusedFrom?: string };
    };
    assertEquals(after.manifest.outputs, before.manifest.outputs);
    assertEquals(after.manifest.metrics, before.manifest.metrics);
    if (i > 0) assertEquals(after.manifest.reusedFrom, before.manifest.key);
    if (i > 0) assert(after.manifest.key !== before.manifest.key, "the key is made of the inputs' keys");
  }
  assertEquals((await run(root)).ran, []);
  // The same files but a new metric: dependants receive metrics, so the shouts rerun (and, unchanged
  // themselves, cut off the scores).
  const concat = join(root, "stages/concat/mod.ts");
  await Deno.writeTextFile(
    concat,
    (await Deno.readTextFile(concat)).replace(
      "return { chars: text.length };",
      "return { chars: text.length, words: 1 };",
    ),
  );
  assertEquals((await run(root)).ran, ["shout[times=1]", "shout[times=2]", "source"]);
  // An output that does change still reruns every dependant.
  await Deno.writeTextFile(
    join(root, "lib/join_text.ts"),
    'export function joinText(parts: string[], sep: string): string {\n  return parts.join(sep) + "?";\n}\n',
  );
  assertEquals((await run(root)).ran, ALL);
});

Deno.test("reproduce() recomputes a corrupted entry, reporting it, and keeps its dependants", async () => {
  const root = await makeToyRoot();
  const first = await run(root);
  const source = first.result.plan.find((i) => i.instance.id === "source")!.instance;
  const file = join(root, "results/cache/concat", source.key, "out/text.txt");
  await Deno.writeTextFile(file, "tampered");
  const lines = await status({ root, target: "toy" });
  assertEquals(lines[0].state, `stale: corrupt entry: output "text.txt" does not match its hash`);
  const events: string[] = [];
  const again = await run(root, { reporter: (e) => events.push(`${e.type} ${"id" in e ? e.id : e.kind}`) });
  assertEquals(again.ran, ["source"]);
  assert(events.includes("corrupt source"));
  assertEquals(await Deno.readTextFile(file), "abc");
});

Deno.test("reproduce() after a data file's content changes reruns the stage that declared it", async () => {
  const root = await makeToyRoot();
  await Deno.mkdir(join(root, "data"));
  await Deno.writeTextFile(join(root, "data/words.txt"), "one");
  await Deno.writeTextFile(
    join(root, "experiments/data.yaml"),
    "stages:\n  read: { kind: concat, params: { data: data/words.txt } }\n  other: { kind: concat, params: { text: x } }\n",
  );
  assertEquals((await run(root, { target: "data" })).ran, ["other", "read"]);
  await Deno.writeTextFile(join(root, "data/words.txt"), "two");
  assertEquals((await status({ root, target: "data" }))[0].state, "stale: data changed: data/words.txt");
  assertEquals((await run(root, { target: "data" })).ran, ["read"]);
});

Deno.test("an input flipped in place with its size and mtime kept is caught before a dependant reads it", async () => {
  const root = await makeToyRoot();
  const first = await run(root);
  await run(root); // a cached rerun: the size+mtime memo now knows the entry's outputs
  const source = first.result.plan.find((i) => i.instance.id === "source")!.instance;
  const file = join(root, "results/cache/concat", source.key, "out/text.txt");
  const { mtime, atime } = await Deno.stat(file);
  await Deno.writeTextFile(file, "abd"); // same size
  await Deno.utime(file, atime!, mtime!);
  // A change downstream makes `shout` read `source` again.
  await editToyExperiment(
    root,
    "matrix: { times: [1, 2] }",
    "matrix: { times: [1, 2] }\n    params: { suffix: '!' }",
  );
  const events: string[] = [];
  const again = await run(root, { reporter: (e) => events.push(`${e.type} ${"id" in e ? e.id : e.kind}`) });
  assert(again.ran.includes("source"), `source should rerun, ran: ${again.ran.join(", ")}`);
  assertEquals(await Deno.readTextFile(file), "abc");
  assert(events.some((e) => e.startsWith("start source")), "the rerun of source is reported");
});
