/**
 * `diff`: parameters and metrics that changed between two commits, read from the targets' lock files.
 *
 * Where instances differ only by a `seed` axis, each metric's spread (sample standard deviation across
 * seeds, taken at the older revision, or at the newer one for new groups) is computed, and a delta larger
 * than that spread is flagged: run-to-run noise is not news.
 *
 * Each instance whose cache key changed is given the causes, read from what both lock files record of the key:
 * a parameter path with its old and new value, a code module or a package version of its kind, a data file, the
 * backend, or an input whose own key changed (whose causes are listed under that input). Nothing is run or
 * checked out: the lock files say it all (older lock files that do not record it say so). Timings (`seconds_per_epoch`, durations) are shown
 * but never flagged: they measure the machine and its load, not the results.
 *
 * @module
 */
import { isTimingMetric } from "./timing_metric.ts";
import { join, relative } from "node:path";
import { paramChanges } from "./_param_changes.ts";
import type { ParamChange } from "./reason.ts";
import type { LockFile } from "./results.ts";
import type { Json } from "./stage.ts";

/** Options of {@linkcode diff}. */
export interface DiffOptions {
  /** A directory inside the git work tree that holds `resultsDir`. @default Deno.cwd() */
  root?: string;
  /** @default "<root>/results" */
  resultsDir?: string;
  /** Older revision. */
  from: string;
  /** Newer revision. @default the working tree */
  to?: string;
  /** Only this target's lock files. */
  target?: string;
}

/** One metric before and after. */
export interface MetricDelta {
  name: string;
  old: Json | undefined;
  new: Json | undefined;
  /** `new - old` when both are numbers. */
  delta?: number;
  /** Standard deviation across the seed siblings, where there are any. */
  spread?: number;
  /** `|delta| > spread`. */
  significant?: boolean;
}

/** What changed for one instance id. */
export interface InstanceDiff {
  id: string;
  change: "added" | "removed" | "changed";
  params: ParamChange[];
  metrics: MetricDelta[];
  /** Why the cache key changed, one line each (empty when the key did not change). */
  causes: string[];
}

/** The differences in one lock file. */
export interface LockDiff {
  /** Lock file path relative to the root. */
  path: string;
  instances: InstanceDiff[];
}

/**
 * Compare every lock file under `results/` at `from` and at `to`.
 *
 * @example
 * ```ts ignore
 * import { diff, formatDiff } from "./diff.ts";
 * console.log(formatDiff(await diff({ from: "HEAD~3", to: "HEAD" })));
 * ```
 */
export async function diff(options: DiffOptions): Promise<LockDiff[]> {
  const root = options.root ?? Deno.cwd();
  const results = relative(root, options.resultsDir ?? join(root, "results")) || ".";
  const wanted = (path: string) =>
    path.endsWith(".lock.json") && !path.includes("/cache/") &&
    (!options.target || path.endsWith(`/${options.target}.lock.json`) ||
      path === `${options.target}.lock.json`);
  const read = async (rev: string | undefined) => {
    const locks = new Map<string, LockFile>();
    const paths = rev === undefined
      ? await walk(root, results)
      : (await git(root, ["ls-tree", "-r", "--name-only", rev, "--", results])).split("\n").filter((p) => p);
    for (const path of paths.filter(wanted)) {
      const text = rev === undefined
        ? await Deno.readTextFile(join(root, path))
        : await git(root, ["show", `${rev}:./${path}`]);
      locks.set(path, JSON.parse(text));
    }
    return locks;
  };
  const [before, after] = await Promise.all([read(options.from), read(options.to)]);
  const out: LockDiff[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const instances = compareLocks(
      before.get(path) ?? { instances: {} },
      after.get(path) ?? { instances: {} },
    );
    if (instances.length > 0) out.push({ path, instances });
  }
  return out;
}

function compareLocks(
  beforeLock: Pick<LockFile, "instances" | "kinds">,
  afterLock: Pick<LockFile, "instances" | "kinds">,
): InstanceDiff[] {
  const [before, after] = [beforeLock.instances, afterLock.instances];
  const spreadAfter = seedSpreads(after);
  const spreadBefore = seedSpreads(before);
  const out: InstanceDiff[] = [];
  for (const id of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const [a, b] = [before[id], after[id]];
    if (!a || !b) {
      out.push({ id, change: a ? "removed" : "added", params: [], metrics: [], causes: [] });
      continue;
    }
    const params = paramChanges(a.params, b.params);
    const spread = spreadBefore.get(seedless(id)) ?? spreadAfter.get(seedless(id));
    const metrics: MetricDelta[] = [];
    for (const name of [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort()) {
      const [old, now] = [a.metrics[name], b.metrics[name]];
      if (JSON.stringify(old) === JSON.stringify(now)) continue;
      const delta: MetricDelta = { name, old, new: now };
      if (typeof old === "number" && typeof now === "number") {
        delta.delta = now - old;
        if (isTimingMetric(name)) {
          metrics.push(delta);
          continue;
        }
        delta.spread = spread?.[name];
        if (delta.spread !== undefined) delta.significant = Math.abs(delta.delta) > delta.spread;
      }
      metrics.push(delta);
    }
    const causes = a.key === b.key ? [] : keyCauses(id, beforeLock, afterLock, params.length > 0);
    if (params.length > 0 || metrics.length > 0 || causes.length > 0) {
      out.push({ id, change: "changed", params, metrics, causes });
    }
  }
  return out;
}

/** Why instance `id`'s key differs between two lock files (its params are listed beside, not repeated). */
function keyCauses(
  id: string,
  beforeLock: Pick<LockFile, "instances" | "kinds">,
  afterLock: Pick<LockFile, "instances" | "kinds">,
  paramsChanged: boolean,
): string[] {
  const [a, b] = [beforeLock.instances[id], afterLock.instances[id]];
  const causes: string[] = [];
  if (paramsChanged) causes.push("params (below)");
  if (a.kind !== b.kind) causes.push(`kind ${a.kind} → ${b.kind}`);
  const [codeA, codeB] = [beforeLock.kinds?.[a.kind], afterLock.kinds?.[b.kind]];
  if (!codeA || !codeB || a.inputs === undefined || b.inputs === undefined) {
    if (causes.length === 0) causes.push("not recorded: the older lock file predates recorded key inputs");
    return causes;
  }
  for (const file of changedKeys(codeA.code, codeB.code)) {
    causes.push(`code ${file} ${verb(codeA.code, codeB.code, file)}`);
  }
  const [pa, pb] = [new Set(codeA.packages), new Set(codeB.packages)];
  for (const p of codeA.packages) if (!pb.has(p)) causes.push(`package ${p} removed`);
  for (const p of codeB.packages) if (!pa.has(p)) causes.push(`package ${p} added`);
  for (const file of changedKeys(a.files ?? {}, b.files ?? {})) {
    causes.push(`data ${file} ${verb(a.files ?? {}, b.files ?? {}, file)}`);
  }
  for (const name of changedKeys(a.env ?? {}, b.env ?? {})) {
    causes.push(`env ${name} ${JSON.stringify(a.env?.[name])} → ${JSON.stringify(b.env?.[name])}`);
  }
  const upstream = [...new Set([...Object.values(a.inputs).flat(), ...Object.values(b.inputs).flat()])]
    .sort();
  for (const up of upstream) {
    const [ua, ub] = [beforeLock.instances[up], afterLock.instances[up]];
    if (ua?.key !== ub?.key) causes.push(`input ${up} changed`);
  }
  if (causes.length === 0) {
    causes.push("unknown: the recorded key inputs are equal (a change of the key's formula)");
  }
  return causes;
}

/** Keys of two records whose values differ, sorted. */
function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

function verb(a: Record<string, unknown>, b: Record<string, unknown>, k: string): string {
  return !(k in a) ? "added" : !(k in b) ? "removed" : "changed";
}

/** Seedless id → metric → sample standard deviation across its seed siblings (two or more). */
function seedSpreads(instances: LockFile["instances"]): Map<string, Record<string, number>> {
  const groups = new Map<string, LockFile["instances"][string][]>();
  for (const [id, instance] of Object.entries(instances)) {
    if (seedless(id) === id) continue;
    groups.set(seedless(id), [...groups.get(seedless(id)) ?? [], instance]);
  }
  const out = new Map<string, Record<string, number>>();
  for (const [group, members] of groups) {
    if (members.length < 2) continue;
    const spreads: Record<string, number> = {};
    for (const name of Object.keys(members[0].metrics)) {
      const values = members.map((m) => m.metrics[name]).filter((v): v is number => typeof v === "number");
      if (values.length < 2) continue;
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      spreads[name] = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
    }
    out.set(group, spreads);
  }
  return out;
}

/** The id with its `seed` axis removed: `train[a=1,seed=2]` → `train[a=1]`. */
function seedless(id: string): string {
  return id.replace(/([[,])seed=[^,\]]*,?/, "$1").replace(/,\]$/, "]").replace(/\[\]$/, "");
}

/**
 * The text `deno task diff` prints.
 *
 * @example
 * ```ts
 * import { formatDiff } from "./diff.ts";
 * const text = formatDiff([{ path: "results/t.lock.json", instances: [{ id: "a", change: "changed", params: [],
 *   metrics: [{ name: "mse", old: 1, new: 1.5, delta: 0.5, spread: 0.1, significant: true }], causes: [] }] }]);
 * if (!text.includes("mse 1 → 1.5 (+0.5, > seed sd 0.1) !")) throw new Error(text);
 * ```
 */
export function formatDiff(diffs: LockDiff[]): string {
  if (diffs.length === 0) return "No changes in params or metrics";
  const show = (v: Json | undefined) =>
    v === undefined ? "(absent)" : typeof v === "number" ? formatNumber(v) : JSON.stringify(v);
  const lines: string[] = [];
  for (const { path, instances } of diffs) {
    lines.push(path);
    for (const instance of instances) {
      lines.push(`  ${instance.change === "changed" ? "" : `${instance.change} `}${instance.id}`);
      for (const c of instance.causes) lines.push(`    cause  ${c}`);
      for (const p of instance.params) lines.push(`    param  ${p.field} ${show(p.old)} → ${show(p.new)}`);
      for (const m of instance.metrics) {
        let line = `    metric ${m.name} ${show(m.old)} → ${show(m.new)}`;
        if (m.delta !== undefined) {
          const sign = m.delta >= 0 ? "+" : "";
          const spread = m.spread === undefined
            ? ""
            : `, ${m.significant ? ">" : "≤"} seed sd ${formatNumber(m.spread)}`;
          line += ` (${sign}${formatNumber(m.delta)}${spread})${m.significant ? " !" : ""}`;
        }
        lines.push(line);
      }
    }
  }
  return lines.join("\n");
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

async function git(cwd: string, args: string[]): Promise<string> {
  const output = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" }).output();
  if (!output.success) {
    const reason = new TextDecoder().decode(output.stderr).trim().split("\n")[0];
    throw new Error(
      `Cannot read git ${args[0] === "show" ? `"${args[1]}"` : `revision "${args[3]}"`}: ${reason}`,
    );
  }
  return new TextDecoder().decode(output.stdout);
}

async function walk(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(root, dir))) {
      const path = dir === "." ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory && entry.name !== "cache") out.push(...await walk(root, path));
      else if (entry.isFile) out.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}
