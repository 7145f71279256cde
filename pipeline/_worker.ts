/**
 * Runs one stage in its own process, under permissions that confine its writes to its temp area.
 *
 * Usage: `deno run <permissions> pipeline/_worker.ts <job.json>`. Progress goes to stdout as JSON lines
 * behind {@linkcode PROGRESS_PREFIX}; everything else the stage prints, and `ctx.log`, goes to the log.
 * The result (metrics, or the error message) is written to the job's `resultPath`.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import type { Metrics, Progress, StageContext, StageKind, Upstream } from "./stage.ts";
import { describeError, noSpaceMessage } from "./_fs.ts";
import { productKernels } from "./backend.ts";

/** Marks a stdout line as a progress message rather than stage output. */
export const PROGRESS_PREFIX = "\u001e@progress ";

/** Marks a stdout line as the worker's result, sent when the result file cannot be written (a full disk). */
export const RESULT_PREFIX = "\u001e@result ";

/**
 * The worker's exit code when a full disk left no room for its result file (ENOSPC's errno): a cluster job's
 * output file may sit on the same full disk, and the exit code is then all the scheduler can tell the engine.
 */
export const NO_SPACE_EXIT_CODE = 28;

/** What the engine hands the worker. */
export interface WorkerJob {
  /** Absolute path of the kind's `mod.ts`. */
  module: string;
  id: string;
  params: StageContext["params"];
  outDir: string;
  inputs: Record<string, Upstream | Upstream[]>;
  backend: string;
  /** What the cache key says computes the backend's products (`backend.ts`); checked against this machine's. */
  kernels?: string;
  resultPath: string;
}

/** What the worker leaves in `resultPath`. */
export type WorkerResult = { metrics: Metrics } | { error: string };

/**
 * Refuse a job whose key names other product kernels than this machine's (a cluster node unlike the host that
 * made the plan): its outputs would round otherwise than the key says, and be cached under it all the same.
 */
async function checkKernels(job: WorkerJob): Promise<void> {
  if (job.kernels === undefined) return;
  const here = await productKernels(job.backend);
  if (here !== job.kernels) {
    throw new Error(
      `Cannot run ${job.id} here: its cache key was made for products computed by "${job.kernels}", and this ` +
        `machine computes them with "${here}"; run the stages on machines like the one that runs reproduce`,
    );
  }
}

if (import.meta.main) {
  const job = JSON.parse(await Deno.readTextFile(Deno.args[0])) as WorkerJob;
  // The local executor holds our stdin open; end of stdin means it died (kill -9), so stop rather than orphan.
  // A cluster job has no engine on its stdin: the scheduler owns its life (`PIPELINE_WORKER_DETACHED`).
  if (Deno.env.get("PIPELINE_WORKER_DETACHED") !== "1") {
    (async () => {
      for await (const _ of Deno.stdin.readable);
      Deno.exit(137);
    })();
  }
  const encoder = new TextEncoder();
  let lastProgress = 0;
  const ctx: StageContext = {
    params: job.params,
    outDir: job.outDir,
    backend: job.backend,
    input(name) {
      const bound = job.inputs[name];
      if (bound === undefined) {
        throw new RangeError(`Cannot read input "${name}": "${job.id}" has no such input`);
      }
      if (Array.isArray(bound)) {
        throw new TypeError(`Cannot read input "${name}": it is gathered, use ctx.inputList("${name}")`);
      }
      return bound;
    },
    inputList(name) {
      const bound = job.inputs[name];
      if (bound === undefined) {
        throw new RangeError(`Cannot read input "${name}": "${job.id}" has no such input`);
      }
      if (!Array.isArray(bound)) {
        throw new TypeError(`Cannot read input "${name}": it is single, use ctx.input("${name}")`);
      }
      return bound;
    },
    progress(p: Progress) {
      // At most four messages a second reach the engine; the last unit always does.
      const now = Date.now();
      if (now - lastProgress < 250 && p.done < p.total) return;
      lastProgress = now;
      Deno.stdout.writeSync(encoder.encode(`${PROGRESS_PREFIX}${JSON.stringify(p)}\n`));
    },
    log(message) {
      console.error(message);
    },
  };
  let result: WorkerResult;
  try {
    await checkKernels(job);
    const { stage } = await import(pathToFileURL(job.module).href) as { stage: StageKind };
    const metrics = await stage.run(ctx) ?? {};
    result = { metrics: JSON.parse(JSON.stringify(metrics)) };
  } catch (error) {
    console.error(error instanceof Error ? error.stack : String(error));
    result = { error: describeError(error) };
  }
  let code = "error" in result ? 1 : 0;
  try {
    await Deno.writeTextFile(job.resultPath, JSON.stringify(result));
  } catch (error) {
    if (noSpaceMessage(error)) code = NO_SPACE_EXIT_CODE;
    // No room for the result file: a pipe to the engine needs none (a cluster job's stdout is a file, maybe on
    // the same full disk: then the exit code alone tells).
    try {
      Deno.stdout.writeSync(encoder.encode(`${RESULT_PREFIX}${JSON.stringify(result)}\n`));
    } catch (pipeError) {
      if (noSpaceMessage(pipeError)) code = NO_SPACE_EXIT_CODE;
    }
  }
  Deno.exit(code);
}
