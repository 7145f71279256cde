/**
 * Results that travel with git: the target's lock file and the published stage's files.
 *
 * The default profile writes to `results/`; any other profile to `results/<profile>/`, so that a smoke
 * run never overwrites the committed numbers.
 *
 * @module
 */
import { join, relative } from "node:path";
import { atomicWrite } from "./_fs.ts";
import { canonicalJson } from "./canonical_json.ts";
import type { Json, Metrics, Params } from "./stage.ts";

/** One instance in a lock file: its key, metrics, and what the key was made of (for `diff`'s causes). */
export interface LockedInstance {
  kind: string;
  key: string;
  params: Params;
  metrics: Metrics;
  /** Input name → upstream instance id(s). */
  inputs?: Record<string, string | string[]>;
  /** Data file path → content sha256 (`null`: absent). */
  files?: Record<string, string | null>;
  /** What the run environment contributed to the key (the backend, for kinds that use one). */
  env?: Record<string, Json>;
  /**
   * Seconds the stage took when it ran (its manifest's duration): the next run starts the longest ready stages
   * first. A timing: not part of any key, never compared by `diff`.
   */
  seconds?: number;
}

/** `results/<target>.lock.json`: what a committed result was computed from. */
export interface LockFile {
  target: string;
  profile: string;
  /** Instance id → its kind, key, resolved params and metrics, and the inputs of its key. */
  instances: Record<string, LockedInstance>;
  /** Kind → its code: module path → code fingerprint, and exact package versions (shared by its instances). */
  kinds?: Record<string, { code: Record<string, string>; packages: string[] }>;
}

/** Folder a profile's results go to. */
export function resultsFolder(resultsDir: string, profile: string, defaultProfile: string): string {
  return profile === defaultProfile ? resultsDir : join(resultsDir, profile);
}

/** The lock file of `target` in `folder`, or undefined where there is none or it cannot be read. */
export async function readLock(folder: string, target: string): Promise<LockFile | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(folder, `${target}.lock.json`))) as LockFile;
  } catch {
    return undefined;
  }
}

/** Write `lock` as sorted, indented JSON to `<folder>/<target>.lock.json`; resolves to the path. */
export async function writeLock(folder: string, lock: LockFile): Promise<string> {
  const path = join(folder, `${lock.target}.lock.json`);
  await atomicWrite(path, `${canonicalJson(lock, 2)}\n`);
  return path;
}

/** Copy every file under `from` into `to`, each written atomically; resolves to the written paths. */
export async function publish(from: string, to: string): Promise<string[]> {
  const written: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) {
        await walk(path);
        continue;
      }
      const destination = join(to, relative(from, path));
      await atomicWrite(destination, await Deno.readFile(path));
      written.push(destination);
    }
  };
  await walk(from);
  return written.sort();
}
