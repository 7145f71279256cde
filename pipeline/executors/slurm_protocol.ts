/**
 * What the Slurm executor says to Slurm and how it reads the answers: the batch script and `sbatch` arguments
 * of a stage job, the one `squeue` query per polling cycle and its parsing, the details of an ended job
 * (`scontrol`, else `sacct`), and the polling back-off. Pure: `slurm.ts` runs the commands.
 *
 * Design points taken from Snakemake's and Nextflow's Slurm executors and their users' issues: every job of a
 * run carries the run's tag as its job name, so one `squeue --name` per cycle covers them all (never a query
 * per job); the interval backs off while nothing changes; the job's result file, not the scheduler's state, is
 * the source of truth for success; a job that left the queue, or whose state is unknown, is never a success.
 *
 * @module
 */
import type { Resources } from "../resources.ts";
import { NO_SPACE_EXIT_CODE } from "../_worker.ts";

/** Slurm job states after which a job no longer runs (squeue's long names). */
export const ENDED_STATES: ReadonlySet<string> = new Set([
  "BOOT_FAIL",
  "CANCELLED",
  "COMPLETED",
  "DEADLINE",
  "FAILED",
  "NODE_FAIL",
  "OUT_OF_MEMORY",
  "PREEMPTED",
  "REVOKED",
  "SPECIAL_EXIT",
  "TIMEOUT",
]);

/** A job as one `squeue` line shows it. */
export interface QueuedJob {
  state: string;
  /** Why it waits or ended ("None", "Resources", "NonZeroExitCode", …). */
  reason: string;
}

/** `squeue` arguments that list every job of the run tagged `tag`, in any state, as `id|STATE|reason`. */
export function squeueArgs(tag: string): string[] {
  return ["--noheader", "--states=all", `--name=${tag}`, "--format=%i|%T|%r"];
}

/**
 * Parse the output of {@linkcode squeueArgs}: job id → state and reason.
 *
 * @example
 * ```ts
 * import { parseSqueue } from "./slurm_protocol.ts";
 * const jobs = parseSqueue("12|RUNNING|None\n13|PENDING|Resources\n");
 * if (jobs.get("13")?.reason !== "Resources" || jobs.size !== 2) throw new Error("parsed");
 * ```
 */
export function parseSqueue(text: string): Map<string, QueuedJob> {
  const jobs = new Map<string, QueuedJob>();
  for (const line of text.split("\n")) {
    const [id, state, reason] = line.trim().split("|");
    if (id && state) jobs.set(id, { state: state.replace(/\+$/, ""), reason: reason ?? "" });
  }
  return jobs;
}

/** How an ended job ended, as far as Slurm still knows. */
export interface JobEnd {
  state: string;
  /** "exit:signal", as Slurm writes it. */
  exitCode?: string;
  reason?: string;
}

/**
 * Parse `scontrol show job -o <id>` (one line of `Key=Value` pairs); undefined when Slurm no longer knows the
 * job (it left the controller's memory after `MinJobAge`).
 *
 * @example
 * ```ts
 * import { parseScontrol } from "./slurm_protocol.ts";
 * const end = parseScontrol("JobId=7 JobName=vsc JobState=CANCELLED Reason=None ExitCode=0:15 RunTime=00:00:03");
 * if (end?.state !== "CANCELLED" || end.exitCode !== "0:15") throw new Error("parsed");
 * ```
 */
export function parseScontrol(text: string): JobEnd | undefined {
  const field = (name: string) => text.match(new RegExp(`(?:^|\\s)${name}=(\\S+)`))?.[1];
  const state = field("JobState");
  return state ? { state, exitCode: field("ExitCode"), reason: field("Reason") } : undefined;
}

/** `sacct` arguments for an ended job's state, exit code and reason (when accounting is enabled). */
export function sacctArgs(jobId: string): string[] {
  return ["--noheader", "--parsable2", "--allocations", "--jobs", jobId, "--format=State,ExitCode,Reason"];
}

/** Parse the output of {@linkcode sacctArgs}; undefined when it has no line for the job. */
export function parseSacct(text: string): JobEnd | undefined {
  const line = text.split("\n").find((l) => l.trim());
  if (!line) return undefined;
  const [state, exitCode, reason] = line.trim().split("|");
  // "CANCELLED by 0" → "CANCELLED".
  return { state: state.split(" ")[0], exitCode, reason };
}

/** Everything a stage job is made of. */
export interface JobSpec {
  /** The run's tag: every job of one `reproduce` carries it as its name. */
  tag: string;
  /** Instance id, kept in the job's comment so that `squeue` shows what a job computes. */
  id: string;
  resources: Resources;
  /** The project root (working directory of the job). */
  root: string;
  /** The job's standard output file (progress lines and stage output) and error file (the stage's log). */
  stdout: string;
  stderr: string;
  /** The command the job runs, and the environment it adds. */
  command: string[];
  env: Record<string, string>;
  /** Extra `sbatch` arguments from the user (partition, account, QOS, …), inserted before the script. */
  extra: string[];
}

/** `sbatch` arguments for a job whose batch script is at `script`. */
export function sbatchArgs(spec: JobSpec, script: string): string[] {
  const r = spec.resources;
  return [
    "--parsable",
    `--job-name=${spec.tag}`,
    `--comment=${spec.id}`,
    `--chdir=${spec.root}`,
    `--output=${spec.stdout}`,
    `--error=${spec.stderr}`,
    "--open-mode=append",
    "--ntasks=1",
    `--cpus-per-task=${r.cpus}`,
    `--mem=${r.mem}`,
    `--time=${r.time}`,
    ...(r.gpus > 0 ? [`--gres=gpu:${r.gpus}`] : []),
    ...spec.extra,
    script,
  ];
}

/**
 * The batch script of a job: its environment, then `exec` of its command (so that `scancel` signals the stage
 * itself).
 *
 * @example
 * ```ts
 * import { batchScript } from "./slurm_protocol.ts";
 * const text = batchScript({ command: ["deno", "run", "it's.ts"], env: { A: "1" } });
 * if (!text.includes(`exec 'deno' 'run' 'it'\\''s.ts'`) || !text.includes("export A='1'")) throw new Error(text);
 * ```
 */
export function batchScript(spec: Pick<JobSpec, "command" | "env">): string {
  const env = Object.entries(spec.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  return [
    "#!/bin/sh",
    "# A vsc-pipeline stage job (pipeline/executors/slurm.ts).",
    ...env,
    `exec ${spec.command.map(shellQuote).join(" ")}`,
    "",
  ].join("\n");
}

/** A POSIX shell word for `text`. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The message of a job that ended without a result file `resultPath`. The worker's exit code
 * {@linkcode NO_SPACE_EXIT_CODE} says that a full disk took the result (and maybe the job's output with it).
 *
 * @example
 * ```ts
 * import { endMessage } from "./slurm_protocol.ts";
 * const m = endMessage("41", { state: "TIMEOUT", exitCode: "0:15", reason: "TimeLimit" }, "/c/r.json");
 * if (m !== "Slurm job 41 ended TIMEOUT (exit code 0:15, reason TimeLimit) without a result") throw new Error(m);
 * const full = endMessage("42", { state: "FAILED", exitCode: "28:0", reason: "NonZeroExitCode" }, "/c/r.json");
 * if (!full.startsWith("Cannot write /c/r.json: no space left on its device (Slurm job 42")) throw new Error(full);
 * ```
 */
export function endMessage(jobId: string, end: JobEnd | undefined, resultPath: string): string {
  if (!end) {
    return `Slurm job ${jobId} left the queue without a result (its state is unknown: Slurm forgot it)`;
  }
  const details = [
    end.exitCode ? `exit code ${end.exitCode}` : "",
    end.reason && end.reason !== "None" ? `reason ${end.reason}` : "",
  ].filter(Boolean).join(", ");
  if (end.exitCode === `${NO_SPACE_EXIT_CODE}:0`) {
    return `Cannot write ${resultPath}: no space left on its device (Slurm job ${jobId} ended ${end.state}, ${details})`;
  }
  return `Slurm job ${jobId} ended ${end.state}${details ? ` (${details})` : ""} without a result`;
}

/** Polling intervals: from `min`, ×1.5 per quiet cycle up to `max`, back to `min` when something changes. */
export interface Backoff {
  minMs: number;
  maxMs: number;
}

/** The next interval after `current`; `changed` when the last cycle saw a job change state or finish. */
export function nextInterval(current: number, changed: boolean, backoff: Backoff): number {
  return changed ? backoff.minMs : Math.min(backoff.maxMs, Math.round(current * 1.5));
}
