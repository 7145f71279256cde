/**
 * Early cut-off: an instance whose only change is an input's key need not rerun when that input came out
 * byte-identical to what it was the last time the instance ran (a refactor that changes nothing, a param
 * that turned out not to matter). Its previous entry then serves the new key too.
 *
 * Keys stay made of the inputs' keys (`key.ts`), so every cached entry keeps its key; the cut-off is decided
 * when the inputs are known, by comparing everything a stage receives of an input — its output files' hashes,
 * its params and its metrics (timings aside: no stage receives them) — between the inputs the previous run read
 * (their manifests, still in the store) and the inputs now. This is the "verifying trace" of Build Systems
 * à la Carte: a trace that records the inputs' keys, verified by their outputs.
 *
 * @module
 */
import type { Manifest, PreviousRun } from "./manifest.ts";
import type { EntryState } from "./plan.ts";
import { canonicalJson } from "./canonical_json.ts";
import { withoutTimings } from "./timing_metric.ts";

/** What {@linkcode cutOffSource} needs from the store. */
export type InspectEntry = (kind: string, key: string) => Promise<EntryState>;

/**
 * The manifest of the previous run's entry when it can serve the current key: every input whose key changed
 * has the same outputs, params and metrics as the input the previous run read, and that entry is still complete.
 * Otherwise undefined (run the stage).
 *
 * @param previous the instance's latest recorded run (same params, code, data files and environment).
 * @param inputKeys the instance's input keys now, by input name.
 * @param upstream the current manifest of each upstream key.
 *
 * @example
 * ```ts
 * import { cutOffSource } from "./early_cut_off.ts";
 * const m = (key: string, outputs: Record<string, string>) =>
 *   ({ key, kind: "k", outputs, params: {}, metrics: {} }) as unknown as import("./manifest.ts").Manifest;
 * const store = new Map([["old-up", m("old-up", { "a.txt": "h1" })], ["old", m("old", {})]]);
 * const inspect = (_kind: string, key: string) =>
 *   Promise.resolve(store.has(key) ? { state: "complete" as const, manifest: store.get(key)! } : { state: "missing" as const });
 * const previous = { key: "old", params: {}, inputKeys: { text: "old-up" }, files: {}, env: {}, code: { files: {}, packages: [] } };
 * const same = await cutOffSource("k", previous, { text: "new-up" }, new Map([["new-up", m("new-up", { "a.txt": "h1" })]]), inspect);
 * const other = await cutOffSource("k", previous, { text: "new-up" }, new Map([["new-up", m("new-up", { "a.txt": "h2" })]]), inspect);
 * if (same?.key !== "old" || other !== undefined) throw new Error("cut off only on identical outputs");
 * ```
 */
export async function cutOffSource(
  kind: string,
  previous: PreviousRun,
  inputKeys: Record<string, string | string[]>,
  upstream: ReadonlyMap<string, Manifest>,
  inspect: InspectEntry,
): Promise<Manifest | undefined> {
  for (const [name, now] of Object.entries(inputKeys)) {
    const before = previous.inputKeys[name];
    const nowKeys = Array.isArray(now) ? now : [now];
    const beforeKeys = Array.isArray(before) ? before : before === undefined ? [] : [before];
    // A gathered input that gained or lost members changed what the stage reads.
    if (nowKeys.length !== beforeKeys.length || Array.isArray(now) !== Array.isArray(before)) {
      return undefined;
    }
    for (const [i, key] of nowKeys.entries()) {
      if (key === beforeKeys[i]) continue;
      const current = upstream.get(key);
      if (!current) return undefined;
      const old = await inspect(current.kind, beforeKeys[i]);
      if (old.state !== "complete" || !sameUpstream(old.manifest, current)) return undefined;
    }
  }
  const entry = await inspect(kind, previous.key);
  return entry.state === "complete" ? entry.manifest : undefined;
}

/**
 * True when a dependant cannot tell two upstream entries apart: it receives their files, params and metrics
 * (timings aside, which no dependant receives).
 */
function sameUpstream(a: Manifest, b: Manifest): boolean {
  return sameOutputs(a, b) && canonicalJson(a.params) === canonicalJson(b.params) &&
    canonicalJson(withoutTimings(a.metrics)) === canonicalJson(withoutTimings(b.metrics));
}

/** True when two entries hold the same files with the same hashes. */
export function sameOutputs(a: Pick<Manifest, "outputs">, b: Pick<Manifest, "outputs">): boolean {
  const names = Object.keys(a.outputs);
  return names.length === Object.keys(b.outputs).length &&
    names.every((name) => a.outputs[name] === b.outputs[name]);
}
