/**
 * Executing a plan: instances run as soon as their upstreams are done, at most `jobs` at a time; among those
 * ready, the longest by their last run's duration first (`expectedSeconds`; instances without one first of
 * all, in plan order), so that no long stage is left alone on one core at the end (longest processing time
 * first).
 *
 * The runner (how one stage process is started) is injected; this module owns the store protocol around
 * it: lock the key, look again (another process may have finished it), run in a temp area, commit. A
 * failure skips the failed instance's dependants and nothing else.
 *
 * @module
 */
import { dirname } from "node:path";
import type { PlanItem } from "./plan.ts";
import type { Manifest } from "./manifest.ts";
import type { Reason } from "./reason.ts";
import type { RunEvent } from "./run_event.ts";
import type { Metrics, Progress, Upstream } from "./stage.ts";
import type { Store, TempArea } from "./store.ts";
import { StageFailedError } from "./stage_failed_error.ts";
import { cutOffSource, sameOutputs } from "./early_cut_off.ts";
import { withoutTimings } from "./timing_metric.ts";
import { cp } from "node:fs/promises";

/** Everything a runner needs to run one instance. */
export interface RunJob {
  instance: PlanItem["instance"];
  /** Absolute path of the kind's `mod.ts`. */
  module: string;
  inputs: Record<string, Upstream | Upstream[]>;
  backend: string;
  area: TempArea;
  logPath: string;
}

/** Runs one stage instance to completion and returns its metrics; throws when the stage fails. */
export type StageRunner = (job: RunJob, onProgress: (p: Progress) => void) => Promise<Metrics>;

/** How one instance ended. */
export type Outcome =
  | { id: string; status: "cached" | "ran"; manifest: Manifest }
  | { id: string; status: "failed"; error: StageFailedError }
  | { id: string; status: "skipped"; upstream: string };

/** Options of {@linkcode execute}. */
export interface ExecuteOptions {
  store: Store;
  runner: StageRunner;
  /** Kind → absolute path of its module. */
  modules: ReadonlyMap<string, string>;
  backend: string;
  /** The backend and why it was chosen, recorded in the manifests of kinds that use a backend. */
  backendInfo?: string;
  /** Parallel stage processes. */
  jobs: number;
  onEvent?: (event: RunEvent) => void;
  /** The first module of a kind's keyed code edited since planning (see `KeyedTarget.codeChange`). */
  codeChange?: (code: PlanItem["instance"]["code"]) => Promise<string | undefined>;
  /** Instance id → seconds its last run took (the lock file's `seconds`): orders the ready instances. */
  expectedSeconds?: ReadonlyMap<string, number>;
}

/** Run what the plan says must run; resolve to one outcome per plan item, in plan order. */
export async function execute(items: PlanItem[], options: ExecuteOptions): Promise<Outcome[]> {
  const emit = options.onEvent ?? (() => {});
  const outcomes = new Map<string, Outcome>();
  // Instances rerun at an unchanged key (forced, corrupt) whose outputs came out different.
  const outputsChanged = new Set<string>();
  // Longest first; unknown durations count as longest (a new stage may be long); ties keep plan order.
  const expected = (item: PlanItem) => options.expectedSeconds?.get(item.instance.id) ?? Infinity;
  const waiting = [...items].sort((a, b) => expected(b) - expected(a) || 0);
  let running = 0;
  let wake: () => void = () => {};

  const start = (item: PlanItem, reason: Reason, replace: boolean) => {
    running++;
    runItem(item, reason, replace, outcomes, options, emit).then((outcome) => {
      if (outcome.status === "ran" && item.manifest && !sameOutputs(item.manifest, outcome.manifest)) {
        outputsChanged.add(item.instance.id);
      }
      outcomes.set(item.instance.id, outcome);
      running--;
      wake();
    });
  };

  while (waiting.length > 0 || running > 0) {
    for (let i = 0; i < waiting.length; i++) {
      const item = waiting[i];
      const upstream = upstreamIds(item);
      if (!upstream.every((id) => outcomes.has(id))) continue;
      const broken = upstream.find((id) => ["failed", "skipped"].includes(outcomes.get(id)!.status));
      const changed = upstream.filter((id) => outputsChanged.has(id));
      const reason: Reason | null = changed.length > 0 ? { type: "input", upstream: changed } : item.reason;
      if (broken) {
        const cause = outcomes.get(broken)!;
        const outcome: Outcome = {
          id: item.instance.id,
          status: "skipped",
          upstream: cause.status === "skipped" ? cause.upstream : broken,
        };
        outcomes.set(item.instance.id, outcome);
        emit({ type: "skipped", id: item.instance.id, upstream: outcome.upstream });
      } else if (reason === null) {
        outcomes.set(item.instance.id, { id: item.instance.id, status: "cached", manifest: item.manifest! });
        emit({ type: "cached", id: item.instance.id });
      } else if (running < options.jobs) {
        start(item, reason, reason.type === "forced" || changed.length > 0);
      } else {
        continue;
      }
      waiting.splice(i, 1);
      i = -1;
    }
    if (running > 0) await new Promise<void>((resolve) => wake = resolve);
  }
  return items.map((item) => outcomes.get(item.instance.id)!);
}

async function runItem(
  item: PlanItem,
  reason: Reason,
  replace: boolean,
  outcomes: ReadonlyMap<string, Outcome>,
  options: ExecuteOptions,
  emit: (event: RunEvent) => void,
): Promise<Outcome> {
  const { instance } = item;
  const { store } = options;
  const log = store.logPath(instance.kind, instance.key);
  let release: (() => Promise<void>) | undefined;
  let area: TempArea | undefined;
  try {
    // Inside the try: a lock that cannot be taken fails this stage with its reason, like any other failure.
    release = await store.lock(instance.kind, instance.key, {
      onWait: (pid) => emit({ type: "waiting", id: instance.id, pid }),
    });
    if (!replace) {
      const entry = await store.inspect(instance.kind, instance.key);
      // Another process computed the key while we waited for the lock.
      if (entry.state === "complete") {
        emit({ type: "cached", id: instance.id });
        return { id: instance.id, status: "cached", manifest: entry.manifest };
      }
      if (entry.state === "corrupt") {
        emit({ type: "corrupt", id: instance.id, detail: entry.detail });
        await store.remove(instance.kind, instance.key);
      }
    }
    await Deno.mkdir(dirname(log), { recursive: true });
    if (!replace && reason.type === "input" && item.previous) {
      const reused = await reuseEntry(item, item.previous, outcomes, store, log);
      if (reused) {
        emit({ type: "reused", id: instance.id, from: reused.reusedFrom! });
        return { id: instance.id, status: "cached", manifest: reused };
      }
    }
    area = await store.createTempArea();
    const started = new Date();
    await Deno.writeTextFile(log, `=== ${instance.id} started ${started.toISOString()} (pid ${Deno.pid})\n`, {
      append: true,
    });
    emit({ type: "start", id: instance.id, reason, log });
    const metrics = await options.runner({
      instance,
      module: options.modules.get(instance.kind)!,
      inputs: upstreamInputs(item, outcomes, store),
      backend: options.backend,
      area,
      logPath: log,
    }, (progress) => emit({ type: "progress", id: instance.id, progress }));
    const end = new Date();
    const edited = await options.codeChange?.(instance.code);
    if (edited) {
      throw new Error(
        `Cannot record ${instance.id}: ${edited} was edited while the run was in progress, so its outputs may come ` +
          "from code other than the one its key names; run reproduce again",
      );
    }
    const manifest: Manifest = {
      key: instance.key,
      id: instance.id,
      kind: instance.kind,
      params: instance.params,
      inputKeys: instance.inputKeys,
      code: instance.code,
      files: instance.files,
      env: instance.env,
      ...("backend" in instance.env && options.backendInfo ? { backendInfo: options.backendInfo } : {}),
      start: started.toISOString(),
      end: end.toISOString(),
      durationS: (end.getTime() - started.getTime()) / 1000,
      metrics,
      outputs: await store.hashOutputs(area),
    };
    await store.commit(area, manifest);
    area = undefined;
    emit({ type: "done", id: instance.id, seconds: manifest.durationS });
    return { id: instance.id, status: "ran", manifest };
  } catch (cause) {
    const error = new StageFailedError(instance.id, instance.key, log, (cause as Error).message);
    await Deno.writeTextFile(log, `=== failed: ${(cause as Error).message}\n`, { append: true }).catch(
      () => {},
    );
    emit({ type: "failed", id: instance.id, error });
    return { id: instance.id, status: "failed", error };
  } finally {
    if (area) await Deno.remove(area.dir, { recursive: true }).catch(() => {});
    await release?.();
  }
}

/**
 * Early cut-off (`early_cut_off.ts`): when the previous run's entry can serve this key, copy it under the key,
 * verifying the copy against its manifest, and return the new manifest; otherwise undefined.
 */
async function reuseEntry(
  item: PlanItem,
  previous: NonNullable<PlanItem["previous"]>,
  outcomes: ReadonlyMap<string, Outcome>,
  store: Store,
  log: string,
): Promise<Manifest | undefined> {
  const { instance } = item;
  const upstream = new Map<string, Manifest>();
  for (const id of upstreamIds(item)) {
    const outcome = outcomes.get(id) as Extract<Outcome, { manifest: Manifest }>;
    upstream.set(outcome.manifest.key, outcome.manifest);
  }
  const source = await cutOffSource(
    instance.kind,
    previous,
    instance.inputKeys,
    upstream,
    (kind, key) => store.inspect(kind, key),
  );
  if (!source) return undefined;
  const area = await store.createTempArea();
  try {
    await cp(store.outDir(instance.kind, source.key), area.outDir, { recursive: true });
    const outputs = await store.hashOutputs(area);
    // The old entry rotted since it was verified: compute the key instead.
    if (!sameOutputs({ outputs }, source)) return undefined;
    const manifest: Manifest = {
      ...source,
      key: instance.key,
      id: instance.id,
      inputKeys: instance.inputKeys,
      outputs,
      reusedFrom: source.reusedFrom ?? source.key,
    };
    await Deno.writeTextFile(
      log,
      `=== ${instance.id} reused entry ${source.key} ${
        new Date().toISOString()
      }: its changed inputs came out unchanged\n`,
      { append: true },
    );
    await store.commit(area, manifest);
    return manifest;
  } finally {
    await Deno.remove(area.dir, { recursive: true }).catch(() => {});
  }
}

function upstreamIds(item: PlanItem): string[] {
  return Object.values(item.instance.inputs).flat();
}

function upstreamInputs(item: PlanItem, outcomes: ReadonlyMap<string, Outcome>, store: Store) {
  const upstream = (id: string): Upstream => {
    const { manifest } = outcomes.get(id) as Extract<Outcome, { manifest: Manifest }>;
    const { key, params, metrics, kind } = manifest;
    // Timings are not handed on: no stage may depend on the machine's speed (so early cut-off can ignore them).
    return { id, key, params, metrics: withoutTimings(metrics), dir: store.outDir(kind, key) };
  };
  return Object.fromEntries(
    Object.entries(item.instance.inputs).map((
      [name, ids],
    ) => [name, Array.isArray(ids) ? ids.map(upstream) : upstream(ids)]),
  );
}
