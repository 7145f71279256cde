/**
 * The Slurm executor: each stage instance that must run becomes one batch job (`sbatch`), running the same
 * worker as the local executor with the same write confinement, with the resources its experiment file
 * declares (`resources.ts`).
 *
 * One polling loop serves every job of the run: per cycle one `squeue --name=<run tag>` for all of them, a read
 * of each job's result file and of the new lines of its output (progress). The result file decides success;
 * Slurm's state only says when to stop waiting for it: once a job has left the queue or ended, its result file
 * gets a grace window (a shared file system may show it late), then the stage fails with Slurm's state, exit
 * code and reason (`scontrol`, else `sacct` where accounting is on, else what `squeue` last said) and the job's
 * log. The engine's `--jobs` caps the jobs in flight; `cancel` (Ctrl-C in the CLI) cancels every job of the run
 * with one `scancel --name`.
 *
 * What must be shared between the submitting machine and the nodes: the project folder (code, `deno.json`,
 * `node_modules/`), the cache folder (`results/cache`: inputs, temp areas, logs), the data folders, and Deno at
 * the same path. What must not be: nothing else; each job writes only its own temp area.
 *
 * @module
 */
import { join } from "node:path";
import { PROGRESS_PREFIX, RESULT_PREFIX, type WorkerResult } from "../_worker.ts";
import type { RunJob, StageRunner } from "../execute.ts";
import type { Resources } from "../resources.ts";
import type { Metrics, Progress } from "../stage.ts";
import { workerArgs, workerEnv, writeWorkerJob } from "./worker_command.ts";
import {
  type Backoff,
  batchScript,
  ENDED_STATES,
  endMessage,
  type JobEnd,
  nextInterval,
  parseSacct,
  parseScontrol,
  parseSqueue,
  type QueuedJob,
  sacctArgs,
  sbatchArgs,
  squeueArgs,
} from "./slurm_protocol.ts";

/** Runs a command to completion. */
export type Exec = (
  command: string,
  args: string[],
) => Promise<{ code: number; stdout: string; stderr: string }>;

/** Options of {@linkcode slurmExecutor}. */
export interface SlurmExecutorOptions {
  /** The project root: the jobs' working directory. */
  root: string;
  /** deno.json that resolves the stages' bare specifiers. */
  config: string;
  /** What each stage asks for (stage name → resources). */
  resourcesOf: (stage: string) => Resources;
  /** Extra `sbatch` arguments for every job (`--partition=gpu`, `--account=…`). */
  sbatchArgs?: string[];
  /** Polling interval back-off. @default {minMs: 500, maxMs: 15000} */
  backoff?: Backoff;
  /**
   * How long a job that ended may take to show its result file before the stage fails. Why 20 s: NFS attribute
   * caches hold directory entries for up to ~30 s by default, and a result usually appears within a few.
   * @default 20000
   */
  graceMs?: number;
  /** Deno on the nodes. @default Deno.execPath() */
  deno?: string;
  /** Environment for Slurm's commands besides the inherited one (`SLURM_CONF` of a test cluster). */
  env?: Record<string, string>;
  /** How commands run (tests inject failures). */
  exec?: Exec;
}

/** A Slurm executor: its runner, its run tag and how to cancel its jobs. */
export interface SlurmExecutor {
  runner: StageRunner;
  /** The job name every job of this run carries. */
  tag: string;
  /** Cancel every job of the run (one `scancel`); their stages fail with "cancelled". Resolves to how many. */
  cancel(): Promise<number>;
}

interface Watch {
  job: RunJob;
  stdoutPath: string;
  offset: number;
  partial: string;
  piped?: WorkerResult;
  onProgress: (p: Progress) => void;
  /** Last state seen in the queue. */
  state?: QueuedJob;
  /** When the job was first seen ended or gone. */
  endedAt?: number;
  resolve: (m: Metrics) => void;
  reject: (e: Error) => void;
}

/** Run stage instances as Slurm jobs. */
export function slurmExecutor(options: SlurmExecutorOptions): SlurmExecutor {
  const exec = options.exec ?? ((command: string, args: string[]) => run(command, args, options.env ?? {}));
  const backoff = options.backoff ?? { minMs: 500, maxMs: 15_000 };
  const graceMs = options.graceMs ?? 20_000;
  const tag = `vsc-${Deno.pid}-${crypto.randomUUID().slice(0, 6)}`;
  const watches = new Map<string, Watch>();
  let loop: Promise<void> | undefined;
  let cancelled = false;

  const finish = async (id: string, w: Watch, outcome: WorkerResult | Error) => {
    watches.delete(id);
    await drain(w, true).catch(() => {});
    if (outcome instanceof Error) w.reject(outcome);
    else if ("metrics" in outcome) w.resolve(outcome.metrics);
    else w.reject(new Error(outcome.error));
  };

  const howItEnded = async (id: string, last: QueuedJob | undefined): Promise<JobEnd | undefined> => {
    const shown = await exec("scontrol", ["show", "job", "-o", id]);
    const fromControl = shown.code === 0 ? parseScontrol(shown.stdout) : undefined;
    if (fromControl) return fromControl;
    const accounted = await exec("sacct", sacctArgs(id)).catch(() => undefined);
    const fromAccounting = accounted?.code === 0 ? parseSacct(accounted.stdout) : undefined;
    return fromAccounting ?? (last ? { state: last.state, reason: last.reason } : undefined);
  };

  const cycle = async (): Promise<boolean> => {
    const answer = await exec("squeue", squeueArgs(tag));
    // The controller did not answer (restarting, overloaded): keep the jobs, ask again next cycle.
    const queue = answer.code === 0 ? parseSqueue(answer.stdout) : undefined;
    let changed = false;
    for (const [id, w] of [...watches]) {
      await drain(w, false);
      const result = await readResult(w.job.area.resultPath) ?? w.piped;
      if (result) {
        await finish(id, w, result);
        changed = true;
        continue;
      }
      if (!queue) continue;
      const entry = queue.get(id);
      if (entry?.state !== w.state?.state) changed = true;
      if (entry) w.state = entry;
      if (entry && !ENDED_STATES.has(entry.state)) {
        w.endedAt = undefined;
        continue;
      }
      w.endedAt ??= Date.now();
      if (Date.now() - w.endedAt < graceMs) continue;
      const end = await howItEnded(id, w.state);
      // The job's output has been drained into the stage's log, which the failure names (its temp area goes).
      await finish(id, w, new Error(endMessage(id, end, w.job.area.resultPath)));
      changed = true;
    }
    return changed;
  };

  const poll = async () => {
    let interval = backoff.minMs;
    while (watches.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, interval));
      try {
        interval = nextInterval(interval, await cycle(), backoff);
      } catch (error) {
        // Reading a job's files failed (permissions, a vanished cache folder): no job can be followed.
        for (const [id, w] of [...watches]) await finish(id, w, error as Error);
      }
    }
    loop = undefined;
  };

  const runner: StageRunner = async (job, onProgress) => {
    if (cancelled) throw new Error("cancelled before submission");
    await writeWorkerJob(job);
    const resources = options.resourcesOf(job.instance.stage);
    const script = join(job.area.dir, "job.sh");
    const stdoutPath = join(job.area.dir, "worker.out");
    const spec = {
      tag,
      id: job.instance.id,
      resources,
      root: options.root,
      stdout: stdoutPath,
      stderr: job.logPath,
      command: [options.deno ?? Deno.execPath(), ...workerArgs(job, options.config)],
      env: { ...workerEnv(job, resources.cpus), PIPELINE_WORKER_DETACHED: "1" },
      extra: options.sbatchArgs ?? [],
    };
    await Deno.writeTextFile(script, batchScript(spec), { mode: 0o755 });
    const submitted = await exec("sbatch", sbatchArgs(spec, script));
    // `--parsable` prints "id" or "id;cluster".
    const jobId = submitted.stdout.trim().split(";")[0];
    if (submitted.code !== 0 || !/^\d+$/.test(jobId)) {
      throw new Error(
        `Cannot submit ${job.instance.id} to Slurm: ${submitted.stderr.trim() || submitted.stdout.trim()}`,
      );
    }
    await Deno.writeTextFile(job.logPath, `=== Slurm job ${jobId} (name ${tag})\n`, { append: true });
    const done = new Promise<Metrics>((resolve, reject) =>
      watches.set(jobId, { job, stdoutPath, offset: 0, partial: "", onProgress, resolve, reject })
    );
    loop ??= poll();
    return await done;
  };

  const cancel = async () => {
    cancelled = true;
    const count = watches.size;
    await exec("scancel", [`--name=${tag}`]);
    for (const [id, w] of [...watches]) await finish(id, w, new Error(`cancelled (Slurm job ${id})`));
    return count;
  };

  return { runner, tag, cancel };
}

/** New lines of a job's output: progress to the engine, a piped result kept, the rest to the stage's log. */
async function drain(w: Watch, final: boolean): Promise<void> {
  let bytes: Uint8Array;
  try {
    using file = await Deno.open(w.stdoutPath);
    await file.seek(w.offset, Deno.SeekMode.Start);
    bytes = new Uint8Array(await new Response(file.readable).arrayBuffer());
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return; // Not started yet.
    throw error;
  }
  w.offset += bytes.length;
  const text = w.partial + new TextDecoder().decode(bytes);
  const lines = text.split("\n");
  w.partial = final ? "" : lines.pop()!;
  const log: string[] = [];
  for (const line of lines) {
    if (line.startsWith(PROGRESS_PREFIX)) w.onProgress(JSON.parse(line.slice(PROGRESS_PREFIX.length)));
    else if (line.startsWith(RESULT_PREFIX)) w.piped = JSON.parse(line.slice(RESULT_PREFIX.length));
    else if (line) log.push(line);
  }
  if (log.length > 0) await Deno.writeTextFile(w.job.logPath, log.join("\n") + "\n", { append: true });
}

async function readResult(path: string): Promise<WorkerResult | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as WorkerResult;
  } catch {
    // Absent, or still being written.
    return undefined;
  }
}

async function run(command: string, args: string[], env: Record<string, string>) {
  try {
    const out = await new Deno.Command(command, { args, env, stdout: "piped", stderr: "piped" }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { code: 127, stdout: "", stderr: `${command}: not found (is Slurm's client installed?)` };
    }
    throw error;
  }
}
