/**
 * The Slurm executor's decisions, against a scripted Slurm (no cluster): a job that vanished or ended without
 * a result file is never a success, the result file is, even while the controller does not answer, and one
 * `squeue` per cycle serves every job. The real cluster is in `tests/engine_slurm_test.ts`.
 */
import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../../lib/testing/assert.ts";
import type { RunJob } from "../execute.ts";
import { Store } from "../store.ts";
import { DEFAULT_RESOURCES } from "../resources.ts";
import { type Exec, slurmExecutor } from "./slurm.ts";

type Answer = { code: number; stdout: string; stderr: string };
const ok = (stdout = ""): Answer => ({ code: 0, stdout, stderr: "" });
const error = (stderr: string): Answer => ({ code: 1, stdout: "", stderr });

/** A scripted Slurm: `answer(command, args)` decides each reply; every call is recorded. */
function scripted(answer: (command: string, args: string[]) => Answer) {
  const calls: string[] = [];
  const exec: Exec = (command, args) => {
    calls.push(command);
    return Promise.resolve(answer(command, args));
  };
  return { exec, calls };
}

async function job(id = "stage[a=1]"): Promise<RunJob> {
  const store = new Store(await Deno.makeTempDir({ prefix: "vsc-slurm-unit-" }));
  const area = await store.createTempArea();
  return {
    instance: { id, stage: "stage" } as RunJob["instance"],
    module: "/nowhere/mod.ts",
    inputs: {},
    backend: "wasm",
    area,
    logPath: join(area.dir, "stage.log"),
  };
}

const fast = { backoff: { minMs: 10, maxMs: 20 }, graceMs: 50, root: ".", config: "deno.json" };
const resourcesOf = () => DEFAULT_RESOURCES;

Deno.test("slurm executor: a job that left the queue without a result fails, also without scontrol or sacct", async () => {
  const slurm = scripted((command) =>
    command === "sbatch"
      ? ok("42\n")
      : command === "squeue"
      ? ok("")
      : error("accounting storage is disabled")
  );
  const { runner } = slurmExecutor({ ...fast, resourcesOf, exec: slurm.exec });
  await assertRejects(
    async () => runner(await job(), () => {}),
    Error,
    "left the queue without a result (its state is unknown",
  );
});

Deno.test("slurm executor: COMPLETED without a result file is a failure, named with scontrol's exit code", async () => {
  const slurm = scripted((command) =>
    command === "sbatch"
      ? ok("7")
      : command === "squeue"
      ? ok("7|COMPLETED|None\n")
      : command === "scontrol"
      ? ok("JobId=7 JobState=COMPLETED Reason=None ExitCode=0:0")
      : error("no")
  );
  const { runner } = slurmExecutor({ ...fast, resourcesOf, exec: slurm.exec });
  await assertRejects(
    async () => runner(await job(), () => {}),
    Error,
    "Slurm job 7 ended COMPLETED (exit code 0:0) without a result",
  );
});

Deno.test("slurm executor: the result file decides, even while squeue fails; progress lines reach the engine", async () => {
  const j = await job();
  let cycles = 0;
  const slurm = scripted((command) => {
    if (command === "sbatch") return ok("9");
    if (command !== "squeue") return error("unexpected");
    cycles++;
    if (cycles === 3) {
      Deno.writeTextFileSync(join(j.area.dir, "worker.out"), '\u001e@progress {"done":1,"total":2}\nhello\n');
      Deno.writeTextFileSync(j.area.resultPath, JSON.stringify({ metrics: { loss: 1.5 } }));
    }
    return error("slurm_load_jobs error: Unable to contact slurm controller");
  });
  const progress: unknown[] = [];
  const { runner } = slurmExecutor({ ...fast, resourcesOf, exec: slurm.exec });
  assertEquals(await runner(j, (p) => progress.push(p)), { loss: 1.5 });
  assertEquals(progress, [{ done: 1, total: 2 }]);
  assert((await Deno.readTextFile(j.logPath)).includes("hello\n"), "other output lines go to the log");
});

Deno.test("slurm executor: one squeue per cycle for every job of the run", async () => {
  const jobs = await Promise.all([job("a"), job("b"), job("c")]);
  let next = 0;
  let cycles = 0;
  const slurm = scripted((command) => {
    if (command === "sbatch") return ok(String(++next));
    cycles++;
    if (cycles === 4) { for (const j of jobs) Deno.writeTextFileSync(j.area.resultPath, '{"metrics":{}}'); }
    return ok("1|RUNNING|None\n2|RUNNING|None\n3|PENDING|Resources\n");
  });
  const { runner } = slurmExecutor({ ...fast, resourcesOf, exec: slurm.exec });
  await Promise.all(jobs.map((j) => runner(j, () => {})));
  assertEquals(slurm.calls.filter((c) => c === "squeue").length, 4);
  assertEquals(slurm.calls.filter((c) => c === "sbatch").length, 3);
});

Deno.test("slurm executor: a refused submission fails the stage with sbatch's message", async () => {
  const slurm = scripted(() => error("sbatch: error: invalid partition specified: gpu"));
  const { runner } = slurmExecutor({
    ...fast,
    resourcesOf,
    exec: slurm.exec,
    sbatchArgs: ["--partition=gpu"],
  });
  await assertRejects(
    async () => runner(await job(), () => {}),
    Error,
    "Cannot submit stage[a=1] to Slurm: sbatch: error: invalid partition",
  );
});
