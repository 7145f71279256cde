/**
 * `gc`: remove cache entries and logs that no target's current plan references, under any profile.
 *
 * @module
 */
import { join } from "node:path";
import { type EngineOptions, resolveOptions } from "./engine_options.ts";
import { loadExperiment } from "./experiment.ts";
import { Store } from "./store.ts";
import { keyTarget } from "./target.ts";

/** What {@linkcode gc} removed and kept. */
export interface GcResult {
  /** `<kind>/<key>` of removed entries. */
  removed: string[];
  kept: number;
}

/**
 * Remove every entry not referenced by some experiment × profile. Any experiment that fails to load
 * aborts the collection, so a typo never deletes a target's cache.
 *
 * @example
 * ```ts ignore
 * import { gc } from "./gc.ts";
 * const { removed } = await gc({ root: "." });
 * ```
 */
export async function gc(options: EngineOptions & { dryRun?: boolean } = {}): Promise<GcResult> {
  const resolved = resolveOptions(options);
  const referenced = new Set<string>();
  for await (const entry of Deno.readDir(resolved.experimentsDir)) {
    if (!entry.isFile || !/\.ya?ml$/.test(entry.name)) continue;
    const target = entry.name.replace(/\.ya?ml$/, "");
    const experiment = await loadExperiment(join(resolved.experimentsDir, entry.name));
    const profiles = Object.keys(experiment.profiles);
    for (const profile of profiles.length > 0 ? profiles : [experiment.defaultProfile]) {
      const keyed = await keyTarget({ ...options, target, profile });
      for (const { kind, key } of keyed.instances) referenced.add(`${kind}/${key}`);
      await keyed.saveMemos();
    }
  }
  const store = new Store(resolved.cacheDir);
  const removed: string[] = [];
  let kept = 0;
  for (const { kind, key } of await store.entries()) {
    if (referenced.has(`${kind}/${key}`)) {
      kept++;
      continue;
    }
    removed.push(`${kind}/${key}`);
    if (options.dryRun) continue;
    await store.remove(kind, key);
    await Deno.remove(store.logPath(kind, key)).catch(() => {});
  }
  if (!options.dryRun) await store.cleanStale();
  return { removed: removed.sort(), kept };
}
