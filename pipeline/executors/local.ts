/**
 * The local executor: each stage instance in its own `deno run` process with confined permissions.
 *
 * The worker may read anything, but may write only its output folder, its TMPDIR and its result file;
 * it may not spawn processes or reach the network. A crash or OOM ends only that process.
 *
 * @module
 */
import { NO_SPACE_EXIT_CODE, PROGRESS_PREFIX, RESULT_PREFIX, type WorkerResult } from "../_worker.ts";
import type { RunJob, StageRunner } from "../execute.ts";
import type { Progress } from "../stage.ts";
import { workerArgs, workerEnv, writeWorkerJob } from "./worker_command.ts";

/** Options of {@linkcode localRunner}. */
export interface LocalRunnerOptions {
  /** Working directory of the worker (the project root). */
  root: string;
  /** deno.json that resolves the stages' bare specifiers. */
  config: string;
  /**
   * Threads each stage process may use, passed as `PIPELINE_STAGE_THREADS` so that stages running side by side
   * do not oversubscribe the cores. @default 1
   */
  threadsPerStage?: number;
}

/** A {@linkcode StageRunner} that spawns `pipeline/_worker.ts`. */
export function localRunner(options: LocalRunnerOptions): StageRunner {
  return async (job: RunJob, onProgress: (p: Progress) => void) => {
    await writeWorkerJob(job);
    const log = await Deno.open(job.logPath, { append: true, create: true });
    const child = new Deno.Command(Deno.execPath(), {
      args: workerArgs(job, options.config),
      cwd: options.root,
      env: workerEnv(job, options.threadsPerStage ?? 1),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    try {
      // Writes to one handle, chained so that stdout and stderr lines never interleave mid-line.
      let writing = Promise.resolve(0);
      let piped: WorkerResult | undefined;
      const write = (bytes: Uint8Array) => writing = writing.then(() => log.write(bytes));
      const encoder = new TextEncoder();
      const readStdout = (async () => {
        for await (const line of lines(child.stdout)) {
          if (line.startsWith(PROGRESS_PREFIX)) onProgress(JSON.parse(line.slice(PROGRESS_PREFIX.length)));
          else if (line.startsWith(RESULT_PREFIX)) piped = JSON.parse(line.slice(RESULT_PREFIX.length));
          else write(encoder.encode(`${line}\n`));
        }
      })();
      const readStderr = (async () => {
        for await (const chunk of child.stderr) write(chunk);
      })();
      const status = await child.status;
      await Promise.all([readStdout, readStderr]);
      await writing;
      const result = await Deno.readTextFile(job.area.resultPath).then((t) => JSON.parse(t) as WorkerResult)
        .catch(() => piped);
      if (result && "metrics" in result && status.success) return result.metrics;
      if (result && "error" in result) throw new Error(result.error);
      if (status.code === NO_SPACE_EXIT_CODE) {
        throw new Error(`Cannot write ${job.area.resultPath}: no space left on its device`);
      }
      throw new Error(
        status.signal ? `worker killed by ${status.signal}` : `worker exited with code ${status.code}`,
      );
    } finally {
      await child.stdin.close().catch(() => {});
      log.close();
    }
  };
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncIterable<string> {
  let buffer = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    buffer += text;
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
    }
  }
  if (buffer) yield buffer;
}
