import { assertEquals } from "../lib/testing/assert.ts";
import { execute, type StageRunner } from "./execute.ts";
import type { Manifest } from "./manifest.ts";
import type { KeyedInstance, PlanItem } from "./plan.ts";
import { Store } from "./store.ts";

const item = (id: string, inputs: string[], cached = false): PlanItem => {
  const instance = {
    id,
    stage: id,
    kind: "toy",
    params: {},
    identity: {},
    inputs: Object.fromEntries(inputs.map((i) => [i, i])),
    key: `key-${id}`,
    inputKeys: {},
    code: { hash: "", files: {}, packages: [] },
    files: {},
    env: {},
  } satisfies KeyedInstance;
  return cached
    ? {
      instance,
      reason: null,
      manifest: {
        kind: "toy",
        key: instance.key,
        params: {},
        metrics: {},
        outputs: {},
      } as unknown as Manifest,
    }
    : { instance, reason: { type: "new" } };
};

/** A runner that records its calls; each call lasts until `hold` calls run at once (or 2 s), then 20 ms more. */
function fakeRunner(fail: string[] = [], hold = 1) {
  let running = 0;
  const stats = { calls: [] as string[], maxParallel: 0 };
  const runner: StageRunner = async (job) => {
    stats.calls.push(job.instance.id);
    stats.maxParallel = Math.max(stats.maxParallel, ++running);
    // Wait for the other calls to start instead of racing a fixed delay (a loaded machine lost that race).
    for (let t = 0; t < 200 && stats.maxParallel < hold; t++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    running--;
    if (fail.includes(job.instance.id)) throw new Error("boom");
    return { id: job.instance.id };
  };
  return { runner, stats };
}

const options = async (runner: StageRunner, jobs = 2) => ({
  store: new Store(await Deno.makeTempDir()),
  runner,
  modules: new Map([["toy", "/nowhere/mod.ts"]]),
  backend: "cpu",
  jobs,
});

Deno.test("execute() never calls the runner for cached instances", async () => {
  const { runner, stats } = fakeRunner();
  const outcomes = await execute([item("a", [], true), item("b", ["a"], true)], await options(runner));
  assertEquals(stats.calls, []);
  assertEquals(outcomes.map((o) => o.status), ["cached", "cached"]);
});

Deno.test("execute() runs independent instances in parallel, up to `jobs`", async () => {
  const { runner, stats } = fakeRunner([], 3);
  await execute(["a", "b", "c", "d"].map((id) => item(id, [])), await options(runner, 3));
  assertEquals(stats.maxParallel, 3);
});

Deno.test("execute() skips the dependants of a failure and finishes independent work", async () => {
  const { runner, stats } = fakeRunner(["bad"]);
  const outcomes = await execute(
    [item("a", []), item("bad", ["a"]), item("after", ["bad"]), item("later", ["after"]), item("ok", ["a"])],
    await options(runner),
  );
  assertEquals(outcomes.map((o) => `${o.id}:${o.status}`), [
    "a:ran",
    "bad:failed",
    "after:skipped",
    "later:skipped",
    "ok:ran",
  ]);
  assertEquals(outcomes.map((o) => o.status === "skipped" ? o.upstream : ""), ["", "", "bad", "bad", ""]);
  assertEquals(stats.calls.sort(), ["a", "bad", "ok"]);
});

Deno.test("execute() starts the ready instances longest first by their last durations, unknown ones first", async () => {
  const { runner, stats } = fakeRunner();
  const expectedSeconds = new Map([["short", 1], ["long", 100], ["middle", 10], ["after", 1000]]);
  await execute(
    ["short", "long", "new", "middle"].map((id) => item(id, [])).concat(item("after", ["short"])),
    { ...await options(runner, 1), expectedSeconds },
  );
  // "after" is the longest but waits for "short", the last of the ready ones.
  assertEquals(stats.calls, ["new", "long", "middle", "short", "after"]);
});
