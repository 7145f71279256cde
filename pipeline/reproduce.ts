/**
 * `reproduce`: plan a target, run what is stale, then write its lock file and publish its results.
 *
 * @module
 */
import { localRunner } from "./executors/local.ts";
import { slurmExecutor, type SlurmExecutorOptions } from "./executors/slurm.ts";
import { stageResources } from "./experiment.ts";
import { execute, type Outcome, type StageRunner } from "./execute.ts";
import type { PreviousRun } from "./manifest.ts";
import type { PlanItem } from "./plan.ts";
import { type LockFile, publish, readLock, resultsFolder, writeLock } from "./results.ts";
import type { RunEvent } from "./run_event.ts";
import { indexKey, planTarget, type TargetOptions } from "./target.ts";

/** Options of {@linkcode reproduce}. */
export interface ReproduceOptions extends TargetOptions {
  /** Parallel stage processes. @default navigator.hardwareConcurrency */
  jobs?: number;
  /** Stage names to rerun although cached. Their keys do not change, so their dependants rerun only if
   * the rerun's outputs differ from the replaced entry's. */
  force?: string[];
  /** Plan and return without running anything. @default false */
  dryRun?: boolean;
  /** Receives progress events. */
  reporter?: (event: RunEvent) => void;
  /** How a stage process is started; overrides `executor`. */
  runner?: StageRunner;
  /**
   * Where stages run: `local` processes, at most `jobs` at a time, or `slurm` batch jobs, at most `jobs` in
   * flight, with the resources the experiment file declares. @default "local"
   */
  executor?: "local" | "slurm";
  /** Slurm settings: extra `sbatch` arguments for every job (partition, account), polling, grace window. */
  slurm?: Pick<SlurmExecutorOptions, "sbatchArgs" | "backoff" | "graceMs" | "env">;
  /** Aborting it cancels the run's Slurm jobs (their stages fail); the local executor ignores it. */
  signal?: AbortSignal;
}

/** What {@linkcode reproduce} did. */
export interface ReproduceResult {
  target: string;
  profile: string;
  plan: PlanItem[];
  /** Empty for a dry run. */
  outcomes: Outcome[];
  /** True when every instance is cached or ran. */
  ok: boolean;
  /** Temp areas and locks of dead processes removed at start. */
  cleaned: string[];
  lockFile?: string;
  /** Files copied from the `publish` stage. */
  published: string[];
}

/**
 * Reproduce a target.
 *
 * @example
 * ```ts ignore
 * import { reproduce } from "./reproduce.ts";
 * const result = await reproduce({ target: "table1", profile: "smoke" });
 * if (!result.ok) Deno.exit(1);
 * ```
 */
export async function reproduce(options: ReproduceOptions): Promise<ReproduceResult> {
  const planned = await planTarget(options);
  const { experiment, profile, store, items } = planned;
  const result: ReproduceResult = {
    target: experiment.target,
    profile,
    plan: items,
    outcomes: [],
    ok: true,
    cleaned: [],
    published: [],
  };
  if (options.dryRun) return result;
  result.cleaned = await store.cleanStale();
  // Once per kind that will run: what the user should know first (e.g. a slow path and how to leave it).
  for (const kind of new Set(items.filter((item) => item.reason).map((item) => item.instance.kind))) {
    const message = await planned.kinds.get(kind)?.notice?.();
    if (message) options.reporter?.({ type: "notice", kind, message });
  }

  // Probing for a GPU costs time; a run that only reads the cache never needs it.
  const anyRuns = items.some((item) => item.reason);
  const backend = anyRuns ? await planned.backend() : "unused";
  const backendInfo = anyRuns ? `${backend} (${await planned.backendReason()})` : undefined;
  if (backendInfo) options.reporter?.({ type: "notice", kind: "backend", message: backendInfo });
  // What computes the products is in every training key (backend.ts): say it, as the backend is said.
  if (anyRuns) options.reporter?.({ type: "notice", kind: "products", message: await planned.kernels() });
  const jobs = Math.max(1, options.jobs ?? navigator.hardwareConcurrency);
  let runner = options.runner;
  let stopSlurm = () => {};
  if (!runner && options.executor === "slurm") {
    const slurm = slurmExecutor({
      root: planned.options.root,
      config: planned.options.config,
      resourcesOf: (stage) => stageResources(experiment, profile, stage),
      ...options.slurm,
    });
    const onAbort = () => void slurm.cancel();
    options.signal?.addEventListener("abort", onAbort);
    stopSlurm = () => options.signal?.removeEventListener("abort", onAbort);
    runner = slurm.runner;
  }
  const folder = resultsFolder(planned.options.resultsDir, profile, experiment.defaultProfile);
  // The last run's stage durations, from the lock file (committed, so a fresh clone has them too).
  const lastLock = await readLock(folder, experiment.target);
  const expectedSeconds = new Map(
    Object.entries(lastLock?.instances ?? {}).flatMap(([id, locked]) =>
      typeof locked.seconds === "number" ? [[id, locked.seconds] as const] : []
    ),
  );
  result.outcomes = await execute(items, {
    store,
    runner: runner ?? localRunner({
      root: planned.options.root,
      config: planned.options.config,
      threadsPerStage: Math.max(1, Math.floor(navigator.hardwareConcurrency / jobs)),
    }),
    modules: planned.modules,
    backend,
    backendInfo,
    jobs,
    onEvent: options.reporter,
    codeChange: planned.codeChange,
    expectedSeconds,
  }).finally(stopSlurm);
  result.ok = result.outcomes.every((o) => o.status === "cached" || o.status === "ran");

  const runs: Record<string, PreviousRun> = {};
  for (const [i, outcome] of result.outcomes.entries()) {
    if (outcome.status !== "cached" && outcome.status !== "ran") continue;
    const { id, key, params, inputKeys, files, env, code } = items[i].instance;
    runs[indexKey(experiment.target, id)] = {
      key,
      params,
      inputKeys,
      files,
      env,
      code: { files: code.files, packages: code.packages },
    };
  }
  await store.updateIndex(runs);
  await planned.saveMemos();
  if (!result.ok) return result;

  const instances: LockFile["instances"] = {};
  const kinds: NonNullable<LockFile["kinds"]> = {};
  for (const [i, outcome] of result.outcomes.entries()) {
    if (outcome.status !== "cached" && outcome.status !== "ran") continue;
    const { id, kind, key, params, inputs, files, env, code } = items[i].instance;
    const seconds = outcome.manifest.durationS;
    instances[id] = { kind, key, params, metrics: outcome.manifest.metrics, inputs, files, env, seconds };
    kinds[kind] = { code: code.files, packages: code.packages };
  }
  result.lockFile = await writeLock(folder, { target: experiment.target, profile, instances, kinds });
  if (experiment.publish) {
    const item = items.find((it) => it.instance.stage === experiment.publish)!;
    result.published = await publish(store.outDir(item.instance.kind, item.instance.key), folder);
  }
  return result;
}
