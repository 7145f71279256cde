/**
 * How every executor starts a stage: the job file the worker reads and the `deno run` command line, with the
 * permissions that confine the stage's writes to its temp area (read anything; write only its output folder,
 * its TMPDIR and its result file; no subprocesses, no network).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { WorkerJob } from "../_worker.ts";
import type { RunJob } from "../execute.ts";

const WORKER = fileURLToPath(new URL("../_worker.ts", import.meta.url));

/** Write the worker's job file into the job's temp area. */
export async function writeWorkerJob(job: RunJob): Promise<void> {
  const workerJob: WorkerJob = {
    module: job.module,
    id: job.instance.id,
    params: job.instance.params,
    outDir: job.area.outDir,
    inputs: job.inputs,
    backend: job.backend,
    ...(typeof job.instance.env?.kernels === "string" ? { kernels: job.instance.env.kernels } : {}),
    resultPath: job.area.resultPath,
  };
  await Deno.writeTextFile(job.area.jobPath, JSON.stringify(workerJob));
}

/** Arguments of `deno` that run the worker on the job's temp area (`config`: the project's deno.json). */
export function workerArgs(job: RunJob, config: string): string[] {
  const { area } = job;
  return [
    "run",
    "--no-prompt",
    "--config",
    config,
    "--allow-read",
    "--allow-env",
    "--allow-ffi",
    "--allow-sys",
    `--allow-write=${area.outDir},${area.tmpDir},${area.resultPath}`,
    WORKER,
    area.jobPath,
  ];
}

/** The worker's environment besides the inherited one. */
export function workerEnv(job: RunJob, threads: number): Record<string, string> {
  return { TMPDIR: job.area.tmpDir, NO_COLOR: "1", PIPELINE_STAGE_THREADS: String(threads) };
}
