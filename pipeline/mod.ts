/**
 * The pipeline engine: stage kinds, parameters, cache keys, a store, plans and executors. It knows
 * nothing about sparse coding; stages live in `stages/<kind>/mod.ts` (contract: `stage.ts`) and targets
 * in `experiments/<target>.yaml`.
 *
 * A target is a DAG of stage instances. `table1` under the smoke profile (one seed) expands to:
 *
 * ```
 *   patches --+-- train[method=fista,samples=1,seed=0] ------ metrics[method=fista,samples=1,seed=0] -----+
 *             +-- train[method=gaussian,samples=1,seed=0] --- metrics[method=gaussian,samples=1,seed=0] --+-- table
 *             +-- train[method=gaussian,samples=20,seed=0] -- metrics[method=gaussian,samples=20,seed=0] -+
 *             +-- (and into every metrics instance, as its "patches" input)
 * ```
 *
 * Each instance's key is sha256 of {kind, params, input keys, code hash, data files, env} (`key.ts`), so
 * a change reruns exactly the instances downstream of it. A command goes:
 *
 * ```
 * experiment.ts -> instances.ts -> target.ts -> plan.ts -> execute.ts -> store.ts
 *   YAML check     matrix,          keys:        a Reason    runner         temp dir + rename,
 *                  foreach,         code_hash,   per         injected       per-key lock,
 *                  param merge      file_hashes  instance    (executors/)   verify on read
 * ```
 *
 * Design choices worth knowing:
 * - Cache entries are `<cacheDir>/<kind>/<key>/{manifest.json,out/}`; outputs sit under `out/` so a
 *   stage may name a file `manifest.json`. `Upstream.dir` points at `out/`.
 * - `--force STAGE` reruns that stage at the same key and replaces its entry. Dependants rerun only if
 *   the new outputs' hashes differ from the replaced entry's (a deterministic stage leaves them cached).
 * - `index.json` remembers each instance's latest run (per target, across profiles) so that a miss can
 *   say which param, file or upstream changed; it survives `gc`.
 * - The main process imports each kind's `mod.ts` for its defaults; keep heavy imports (tfjs) inside
 *   `run` via dynamic `import()` to keep `status` quick. `deno info` still follows them into the code hash.
 *
 * @example
 * ```ts ignore
 * import { reproduce, status } from "./mod.ts";
 * const result = await reproduce({ target: "table1", profile: "smoke", jobs: 2 });
 * for (const line of await status({ target: "table1" })) console.log(line.id, line.state);
 * ```
 *
 * @module
 */
export type * from "./stage.ts";
export { reproduce, type ReproduceOptions, type ReproduceResult } from "./reproduce.ts";
export { status, type StatusLine } from "./status.ts";
export { diff, type DiffOptions, formatDiff, type LockDiff } from "./diff.ts";
export { gc, type GcResult } from "./gc.ts";
export { type KeyedTarget, keyTarget, type PlannedTarget, planTarget, type TargetOptions } from "./target.ts";
export { type EntryState, type KeyedInstance, plan, type PlanItem } from "./plan.ts";
export { execute, type Outcome, type RunJob, type StageRunner } from "./execute.ts";
export { localRunner } from "./executors/local.ts";
export { formatReason, formatState, type Reason } from "./reason.ts";
export { cacheKey, type KeyInput } from "./key.ts";
export { type Experiment, loadExperiment, parseExperiment } from "./experiment.ts";
export { expandInstances, type Instance } from "./instances.ts";
export { Store } from "./store.ts";
export type { Manifest } from "./manifest.ts";
export type { RunEvent } from "./run_event.ts";
export type { EngineOptions } from "./engine_options.ts";
export { StageFailedError } from "./stage_failed_error.ts";
export { detectBackend } from "./backend.ts";
