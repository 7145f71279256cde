/**
 * The plan: for each instance, in dependency order, whether the cache serves it and if not, why.
 *
 * Pure: the store lookups and the previous runs are passed in, so `status`, `--dry-run` and `reproduce`
 * share one decision and tests need no file system.
 *
 * @module
 */
import type { CodeHash } from "./code_hash.ts";
import type { Instance } from "./instances.ts";
import type { Manifest, PreviousRun } from "./manifest.ts";
import type { Reason } from "./reason.ts";
import { paramChanges as changes } from "./_param_changes.ts";
import type { Json } from "./stage.ts";

/** An instance with everything its key is made of, and the key. */
export interface KeyedInstance extends Instance {
  key: string;
  inputKeys: Record<string, string | string[]>;
  code: CodeHash;
  files: Record<string, string | null>;
  env: Record<string, Json>;
}

/** What the store holds for a key. */
export type EntryState =
  | { state: "complete"; manifest: Manifest }
  | { state: "missing" }
  | { state: "corrupt"; detail: string };

/** One step of the plan: `reason` is `null` when the cache serves the instance. */
export interface PlanItem {
  instance: KeyedInstance;
  reason: Reason | null;
  /** The cached entry's manifest, when the entry is complete. */
  manifest?: Manifest;
  /**
   * The instance's latest recorded run, when only its inputs' keys changed since: if those inputs come out
   * with the outputs they had then, that run's entry serves this key too (early cut-off, `execute.ts`).
   */
  previous?: PreviousRun;
}

/** Inputs of {@linkcode plan} besides the instances. */
export interface PlanLookups {
  /** Key → store state, for every instance key. */
  entries: ReadonlyMap<string, EntryState>;
  /** Instance id → its latest recorded run. */
  previous: ReadonlyMap<string, PreviousRun>;
  /** Stage names forced to rerun. */
  force?: ReadonlySet<string>;
}

/**
 * Decide, for each instance (given in dependency order), whether it runs and why.
 *
 * @example
 * ```ts
 * import { plan } from "./plan.ts";
 * const instance = { id: "a", stage: "a", kind: "k", params: {}, identity: {}, inputs: {}, key: "k1",
 *   inputKeys: {}, code: { hash: "c", files: {}, packages: [] }, files: {}, env: {} };
 * const [item] = plan([instance], { entries: new Map([["k1", { state: "missing" }]]), previous: new Map() });
 * if (item.reason?.type !== "new") throw new Error("expected never run");
 * ```
 */
export function plan(instances: KeyedInstance[], lookups: PlanLookups): PlanItem[] {
  return instances.map((instance) => {
    const entry = lookups.entries.get(instance.key) ?? { state: "missing" };
    const manifest = entry.state === "complete" ? entry.manifest : undefined;
    if (lookups.force?.has(instance.stage)) return { instance, reason: { type: "forced" }, manifest };
    if (entry.state === "complete") return { instance, reason: null, manifest };
    if (entry.state === "corrupt") return { instance, reason: { type: "corrupt", detail: entry.detail } };
    const previous = lookups.previous.get(instance.id);
    const reason = whyMissing(instance, previous);
    return reason.type === "input" ? { instance, reason, previous } : { instance, reason };
  });
}

function whyMissing(instance: KeyedInstance, previous: PreviousRun | undefined): Reason {
  if (!previous) return { type: "new" };
  const params = changes(previous.params, instance.params);
  if (params.length > 0) return { type: "params", changes: params };
  const code = changedNames(previous.code.files, instance.code.files)
    .concat(changedNames(asSet(previous.code.packages), asSet(instance.code.packages)));
  if (code.length > 0) return { type: "code", files: code };
  const data = changedNames(previous.files, instance.files);
  if (data.length > 0) return { type: "data", files: data };
  const env = changes(previous.env, instance.env);
  if (env.length > 0) return { type: "env", changes: env };
  const upstream = changedInputs(previous.inputKeys, instance);
  if (upstream.length > 0) return { type: "input", upstream };
  return { type: "missing" };
}

function changedNames(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k])
    .sort();
}

function changedInputs(before: Record<string, string | string[]>, instance: KeyedInstance): string[] {
  const out: string[] = [];
  for (const [name, keys] of Object.entries(instance.inputKeys)) {
    const ids = instance.inputs[name];
    const old = before[name];
    if (typeof keys === "string") {
      if (old !== keys) out.push(ids as string);
      continue;
    }
    const oldKeys = new Set(Array.isArray(old) ? old : []);
    const changed = keys.map((key, i) => oldKeys.has(key) ? undefined : (ids as string[])[i]).filter((id) =>
      id
    );
    // Only removals or reordering: name the gathered input itself.
    if (changed.length === 0 && JSON.stringify(old) !== JSON.stringify(keys)) out.push(`${name}[]`);
    out.push(...changed as string[]);
  }
  return out;
}

function asSet(items: string[]): Record<string, true> {
  return Object.fromEntries(items.map((item) => [item, true]));
}
