/**
 * End-to-end, the engine's outcomes on toy stages: failures, confinement, published results, `--force`,
 * `--dry-run`, experiment errors and `gc`. (Invalidation cases are in `engine_e2e_test.ts`; the files are
 * split so that `deno test --parallel` runs them side by side.)
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../lib/testing/assert.ts";
import { status } from "../pipeline/status.ts";
import { countingRunner, editToyExperiment, makeToyRoot } from "./fixtures/toy_root.ts";
import { reproduce, type ReproduceOptions } from "../pipeline/reproduce.ts";
import { gc } from "../pipeline/gc.ts";

const CLI = fileURLToPath(new URL("../pipeline/cli.ts", import.meta.url));

async function run(root: string, options: Partial<ReproduceOptions> = {}) {
  const counter = countingRunner(root);
  const result = await reproduce({ root, target: "toy", jobs: 2, ...options, runner: counter.runner });
  return { result, ran: counter.ran() };
}

async function cli(root: string, ...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "--root", root, ...args],
  }).output();
  const text = new TextDecoder();
  return { code: output.code, stdout: text.decode(output.stdout), stderr: text.decode(output.stderr) };
}

Deno.test("reproduce() after a failure skips its dependants, finishes independent work and names the log", async () => {
  const root = await makeToyRoot();
  const { result, ran } = await run(root, { target: "failing" });
  assertEquals(result.ok, false);
  assertEquals(ran, ["broken", "independent", "source"]);
  assertEquals(result.outcomes.map((o) => `${o.id}:${o.status}`), [
    "source:ran",
    "broken:failed",
    "after:skipped",
    "independent:ran",
  ]);
  const failed = result.outcomes[1];
  assert(failed.status === "failed");
  assertStringIncludes(await Deno.readTextFile(failed.error.log), "Error: toy failure");
  assertEquals(result.lockFile, undefined);

  const { code, stdout } = await cli(root, "reproduce", "failing");
  assertEquals(code, 1);
  assertStringIncludes(stdout, "Failed: broken: toy failure");
  assertStringIncludes(stdout, `log: results/cache/logs/fail-`);
});

Deno.test("a stage cannot write outside its output folder", async () => {
  const root = await makeToyRoot();
  const escape = join(root, "escaped.txt");
  await Deno.writeTextFile(
    join(root, "experiments/escape.yaml"),
    `stages:\n  bad: { kind: fail, params: { escape: "${escape}" } }\n`,
  );
  const { result } = await run(root, { target: "escape" });
  const [outcome] = result.outcomes;
  assert(outcome.status === "failed");
  assertStringIncludes(outcome.error.reason, "write access");
  assertEquals(await Deno.stat(escape).then(() => true, () => false), false);
});

Deno.test("reproduce writes the lock file and publishes the report, under results/<profile>/ for other profiles", async () => {
  const root = await makeToyRoot();
  const { result } = await run(root);
  assertEquals(result.lockFile, join(root, "results/toy.lock.json"));
  assertEquals(result.published, [join(root, "results/figures/rows.txt"), join(root, "results/report.md")]);
  const lock = JSON.parse(await Deno.readTextFile(result.lockFile!));
  assertEquals(lock.profile, "quick");
  assertEquals(lock.instances["score[times=2]"].metrics, { length: 6, vowels: 2 });
  const smoke = await run(root, { profile: "smoke" });
  assertEquals(smoke.result.lockFile, join(root, "results/smoke/toy.lock.json"));
  assertEquals(smoke.ran, ["report"]);
  assertStringIncludes(
    await Deno.readTextFile(join(root, "results/smoke/report.md")),
    "| score[times=1] | 3 |",
  );
});

Deno.test("reproduce --force reruns the named stage; identical outputs leave its dependants cached", async () => {
  const root = await makeToyRoot();
  await run(root);
  const { result, ran } = await run(root, { force: ["shout"] });
  assertEquals(ran, ["shout[times=1]", "shout[times=2]"]);
  assertEquals(result.plan.filter((i) => i.reason?.type === "forced").length, 2);
});

Deno.test("reproduce --dry-run prints the plan with reasons and runs nothing", async () => {
  const root = await makeToyRoot();
  const { code, stdout } = await cli(root, "reproduce", "toy", "--dry-run");
  assertEquals(code, 0);
  assertStringIncludes(stdout, "run    shout[times=2]  never run");
  assertEquals(await Deno.stat(join(root, "results/toy.lock.json")).then(() => true, () => false), false);
});

Deno.test("a bad experiment file gives one line naming the file and field path, and nothing runs", async () => {
  const root = await makeToyRoot();
  await Deno.writeTextFile(
    join(root, "experiments/bad.yaml"),
    "stages:\n  a: { kind: concat, params: { txet: x } }\n",
  );
  const unknown = await cli(root, "reproduce", "bad");
  assertEquals(unknown.code, 2);
  assertEquals(
    unknown.stderr,
    `Cannot load experiments/bad.yaml: unknown param "stages.a.params.txet" (expected one of "text", "sep", "data")\n`,
  );
  await Deno.writeTextFile(
    join(root, "experiments/bad.yaml"),
    "stages:\n  a: { kind: concat, matrix: { text: x } }\n",
  );
  const wrongType = await cli(root, "reproduce", "bad");
  assertEquals(
    wrongType.stderr,
    `Cannot load experiments/bad.yaml: field "stages.a.matrix.text" must be a list, received "x"\n`,
  );
  assertEquals(await Deno.stat(join(root, "results/cache")).then(() => true, () => false), false);
});

Deno.test("gc removes entries that no target references under any profile", async () => {
  const root = await makeToyRoot();
  // Only the toy target: the other fixture targets share some of its entries on purpose.
  for await (const entry of Deno.readDir(join(root, "experiments"))) {
    if (entry.name !== "toy.yaml") await Deno.remove(join(root, "experiments", entry.name));
  }
  await run(root);
  await editToyExperiment(root, "text: abc", "text: xyz");
  await run(root);
  const { removed } = await gc({ root });
  // The old source, its two shouts, two scores and the report; the smoke profile shares nothing old.
  assertEquals(removed.length, 6);
  assertEquals((await run(root)).ran, []);
});

Deno.test("a data path given with --param that the stage would not read, existing or not, is refused with the reason", async () => {
  const repo = fileURLToPath(new URL("..", import.meta.url));
  const tmp = await Deno.makeTempDir();
  try {
    // The smoke profile sets `source: embedded`, under which the patch stage reads no file.
    const smokeWith = (setting: string) =>
      status({ root: repo, target: "table1", profile: "smoke", params: [setting], cacheDir: tmp });
    await assertRejects(
      () => smokeWith("mat_path=README.md"),
      RangeError,
      "Cannot use --param mat_path=README.md: with its other parameters patches would not read it",
    );
    // A mistyped path is refused as well, though it exists nowhere: it could never be checked by reading it.
    await assertRejects(
      () => smokeWith("mat_path=no/such/scenes.mat"),
      RangeError,
      "Cannot use --param mat_path=no/such/scenes.mat: no such file or folder, and with its other parameters " +
        "patches would not read it",
    );
    // So is one without a separator or an extension: the parameter's name says it is a path.
    await assertRejects(
      () => smokeWith("mat_path=scenes"),
      RangeError,
      "Cannot use --param mat_path=scenes: no such file or folder",
    );
    // A path the stage does read passes (the toy `source` reads its `data` file).
    const root = await makeToyRoot();
    await Deno.writeTextFile(join(root, "extra.txt"), "x");
    await status({ root, target: "toy", params: ["source.data=extra.txt"] });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a stage whose code is edited while the run is in progress is not recorded under the old key", async () => {
  const root = await makeToyRoot();
  await Deno.writeTextFile(
    join(root, "experiments/slow.yaml"),
    "stages:\n  slow: { kind: slow, params: { ms: 2500 } }\n",
  );
  // edit once the stage has started (not after a fixed delay: on a starved machine planning alone can take
  // longer, and the plan would then see the edited code), well before its 2.5 s are over
  let started = () => {};
  const start = new Promise<void>((r) => started = r);
  const running = reproduce({ root, target: "slow", reporter: (e) => e.type === "start" && started() });
  await start;
  await new Promise((r) => setTimeout(r, 300));
  await Deno.writeTextFile(join(root, "stages/slow/mod.ts"), "export const edited = 1;\n", { append: true });
  const first = await running;
  const slow = first.outcomes[0];
  assert(
    slow.status === "failed" && slow.error.reason.includes("stages/slow/mod.ts was edited"),
    JSON.stringify(slow),
  );
  const second = await reproduce({ root, target: "slow" });
  assertEquals(second.outcomes.map((o) => o.status), ["ran"]);
});
