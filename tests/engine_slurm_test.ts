/**
 * The Slurm executor on a real single-node cluster (`slurm_cluster.ts`), with the toy stages: a failing stage
 * surfaces with its log, a job killed with `scancel` fails its stage and the rerun completes, two targets sharing
 * the cache compute their shared key once, Ctrl-C cancels the run's jobs. Skipped, with the reason in one line,
 * where Slurm cannot be started (not installed, not root). The table1 smoke target on Slurm is in
 * `table1_smoke_test.ts`.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../lib/testing/assert.ts";
import { makeToyRoot } from "./fixtures/toy_root.ts";
import { startTestCluster, type TestCluster } from "./slurm_cluster.ts";
import { reproduce, type ReproduceOptions } from "../pipeline/reproduce.ts";

const cluster = await startTestCluster();
const ignore = typeof cluster === "string";
if (ignore) console.log(`Slurm tests skipped: ${cluster}`);
const CLI = fileURLToPath(new URL("../pipeline/cli.ts", import.meta.url));

/**
 * The cluster's environment goes to each command explicitly: `deno test --parallel` runs test files as workers
 * of one process, so `Deno.env` is shared with the other files' clusters.
 */
function withCluster<T>(body: (c: TestCluster) => Promise<T>): () => Promise<T> {
  return () => body(cluster as TestCluster);
}

function onSlurm(root: string, target: string, extra: Partial<ReproduceOptions> = {}) {
  return reproduce({
    root,
    target,
    executor: "slurm",
    jobs: 4,
    slurm: { backoff: { minMs: 200, maxMs: 1000 }, graceMs: 2000, env: (cluster as TestCluster).env },
    ...extra,
  });
}

/** A toy root whose `slow` stage takes `ms` milliseconds. */
async function slowToyRoot(ms: number): Promise<string> {
  const root = await makeToyRoot();
  const file = join(root, "experiments/slow.yaml");
  await Deno.writeTextFile(
    file,
    (await Deno.readTextFile(file)).replace("kind: slow", `kind: slow\n    params: { ms: ${ms} }`),
  );
  return root;
}

async function slurm(command: string, args: string[]): Promise<string> {
  const env = (cluster as TestCluster).env;
  const out = await new Deno.Command(command, { args, env, stdout: "piped", stderr: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test({
  name: "slurm: a failing stage surfaces with its message and log; the independent branch completes",
  ignore,
  fn: withCluster(async () => {
    const root = await makeToyRoot();
    const result = await onSlurm(root, "failing");
    const status = Object.fromEntries(result.outcomes.map((o) => [o.id, o.status]));
    assertEquals(status, { source: "ran", broken: "failed", after: "skipped", independent: "ran" });
    const failed = result.outcomes.find((o) => o.status === "failed")!;
    assert(failed.status === "failed" && failed.error.reason === "toy failure", JSON.stringify(failed));
    const log = await Deno.readTextFile(failed.error.log);
    assert(log.includes("=== Slurm job "), "the log names the Slurm job");
    assert(log.includes("Error: toy failure"), "the log holds the stage's stack trace");
  }),
});

Deno.test({
  name: "slurm: a job killed with scancel fails its stage with Slurm's state; the rerun completes",
  ignore,
  fn: withCluster(async () => {
    const root = await slowToyRoot(8000);
    const running = onSlurm(root, "slow");
    // Wait for the slow stage's job to run, then cancel it from outside the engine.
    let jobId = "";
    for (let i = 0; i < 100 && !jobId; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const lines = await slurm("squeue", ["--noheader", "--states=RUNNING", "--format=%i|%k"]);
      jobId = lines.split("\n").find((l) => l.endsWith("|slow"))?.split("|")[0] ?? "";
    }
    assert(jobId, "the slow stage's job started");
    await slurm("scancel", [jobId]);
    const first = await running;
    const slow = first.outcomes.find((o) => o.id === "slow")!;
    assert(slow.status === "failed", `slow ${slow.status}`);
    assert(
      slow.error.reason.startsWith(`Slurm job ${jobId} ended CANCELLED`),
      `the failure names the state: ${slow.error.reason}`,
    );
    assertEquals(first.outcomes.find((o) => o.id === "quick")!.status, "ran");
    const second = await onSlurm(root, "slow");
    assertEquals(second.outcomes.map((o) => [o.id, o.status]), [["slow", "ran"], ["quick", "cached"]]);
  }),
});

Deno.test({
  name: "slurm: two targets sharing the cache, run at once, compute their shared key once",
  ignore,
  fn: withCluster(async (c) => {
    const root = await makeToyRoot();
    const cli = (target: string) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CLI, "--root", root, "reproduce", target, "--executor", "slurm"],
        env: c.env,
        stdout: "piped",
        stderr: "piped",
      }).output();
    const [a, b] = await Promise.all([cli("toy"), cli("toy_twin")]);
    const text = (o: Deno.CommandOutput) =>
      new TextDecoder().decode(o.stdout) + new TextDecoder().decode(o.stderr);
    assertEquals([a.code, b.code], [0, 0], text(a) + text(b));
    const logs = join(root, "results/cache/logs");
    let sourceStarts = 0;
    for await (const entry of Deno.readDir(logs)) {
      const log = await Deno.readTextFile(join(logs, entry.name));
      if (log.includes("=== source started")) sourceStarts += log.match(/=== source started/g)!.length;
    }
    assertEquals(sourceStarts, 1);
  }),
});

Deno.test({
  name: "slurm: cancelling the run (Ctrl-C) cancels its jobs, one scancel for all",
  ignore,
  fn: withCluster(async () => {
    const root = await slowToyRoot(60000);
    const abort = new AbortController();
    const running = onSlurm(root, "slow", { signal: abort.signal });
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 200));
      if ((await slurm("squeue", ["--noheader", "--states=RUNNING", "--format=%k"])).includes("slow")) break;
    }
    abort.abort();
    const result = await running;
    const slow = result.outcomes.find((o) => o.id === "slow")!;
    assert(slow.status === "failed" && slow.error.reason.startsWith("cancelled"), JSON.stringify(slow));
    // Nothing of the run is left in the queue.
    for (let i = 0; i < 50; i++) {
      if (!(await slurm("squeue", ["--noheader", "--states=PENDING,RUNNING,COMPLETING"]))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assertEquals(await slurm("squeue", ["--noheader", "--states=PENDING,RUNNING"]), "");
  }),
});

Deno.test({
  name: "slurm: stop the test cluster",
  ignore,
  fn: async () => await (cluster as TestCluster).stop(),
});
