/**
 * What one stage instance asks of a cluster scheduler (`--executor slurm`): cores, memory, GPUs, a time limit.
 *
 * Declared per stage in the experiment file (`resources:` beside `params:`), overridable per profile, laid over
 * {@linkcode DEFAULT_RESOURCES}. Resources are not part of any key: where a stage runs cannot change what it
 * computes. (They live in the experiment file, not in the stage kind's module, because a kind's module is part
 * of its code key: a new time limit must not invalidate trained models.)
 *
 * @module
 */
import { describe } from "./_text.ts";

/** A scheduler request. */
export interface Resources {
  /** Cores (`--cpus-per-task`); also the stage's thread count (`PIPELINE_STAGE_THREADS`). */
  cpus: number;
  /** Memory, in Slurm's syntax (`--mem`): a number of megabytes or with a K/M/G/T suffix. */
  mem: string;
  /** GPUs (`--gres=gpu:N`); 0 for none. */
  gpus: number;
  /** Wall-time limit in Slurm's syntax (`--time`): minutes, `H:MM:SS` or `D-HH:MM:SS`. */
  time: string;
}

/**
 * What a stage gets when its experiment file says nothing. Why: one core and 4 GiB fit every linear-generator
 * stage (a J = 20 training run peaks near 0.3 GiB, the wasm heap is capped at 4 GiB); 4 hours is a medium
 * profile's longest run with room to spare. The paper profile's long runs declare more in their experiment file.
 */
export const DEFAULT_RESOURCES: Resources = { cpus: 1, mem: "4G", gpus: 0, time: "4:00:00" };

const FIELDS = ["cpus", "mem", "gpus", "time"] as const;

/**
 * Check a `resources:` mapping of an experiment file (`path` names it in errors) and return its fields.
 *
 * @example
 * ```ts
 * import { checkResources } from "./resources.ts";
 * const r = checkResources({ cpus: 2, time: "1-00:00:00" }, "stages.train.resources");
 * if (r.cpus !== 2 || r.time !== "1-00:00:00") throw new Error("kept");
 * let message = "";
 * try { checkResources({ mem: "lots" }, "stages.train.resources"); } catch (e) { message = (e as Error).message; }
 * if (!message.includes('field "stages.train.resources.mem"')) throw new Error(message);
 * ```
 */
export function checkResources(value: unknown, path: string): Partial<Resources> {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new Error(`field "${path}.${field}" must be ${expected}, received ${describe(got)}`);
  };
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`field "${path}" must be a mapping, received ${describe(value)}`);
  }
  const out: Partial<Resources> = {};
  for (const [field, v] of Object.entries(value)) {
    switch (field as (typeof FIELDS)[number]) {
      case "cpus":
        if (!Number.isInteger(v) || (v as number) < 1) fail(field, "a whole number of cores ≥ 1", v);
        out.cpus = v as number;
        break;
      case "gpus":
        if (!Number.isInteger(v) || (v as number) < 0) fail(field, "a whole number of GPUs ≥ 0", v);
        out.gpus = v as number;
        break;
      case "mem":
        if (!/^\d+[KMGT]?$/.test(String(v))) fail(field, 'megabytes, or a size such as "4G"', v);
        out.mem = String(v);
        break;
      case "time":
        if (!/^(\d+|(\d+-)?\d{1,2}:\d{2}(:\d{2})?)$/.test(String(v))) {
          fail(field, 'minutes, "H:MM:SS" or "D-HH:MM:SS"', v);
        }
        out.time = String(v);
        break;
      default:
        throw new Error(
          `unknown field "${path}.${field}" (expected one of ${FIELDS.map((f) => `"${f}"`).join(", ")})`,
        );
    }
  }
  return out;
}
