/**
 * The cache store: one folder per key, written in a temp area and renamed into place.
 *
 * ```
 * <cacheDir>/<kind>/<key>/manifest.json   present only in complete entries (renamed in with the folder)
 * <cacheDir>/<kind>/<key>/out/...         the stage's outputs (Upstream.dir)
 * <cacheDir>/logs/<kind>-<key>.log        stage stdout, stderr and ctx.log, appended per run
 * <cacheDir>/.tmp/<pid>-<id>/             a run in progress; removed at the next start once <pid> is dead
 * <cacheDir>/.locks/<kind>-<key>.lock     held while one process computes a key
 * <cacheDir>/index.json                   instance → latest run, to explain the next miss
 * ```
 *
 * @module
 */
import { join, relative } from "node:path";
import { atomicWrite, exists, pidAlive, readJsonIfExists } from "./_fs.ts";
import { sha256File } from "./_hash.ts";
import { acquireKeyLock, type KeyLockOptions } from "./_key_lock.ts";
import { FileHashes } from "./file_hashes.ts";
import type { Manifest, PreviousRun } from "./manifest.ts";
import type { EntryState } from "./plan.ts";

/** A private folder for one run: the worker writes `outDir`, `tmpDir` and `resultPath` only. */
export interface TempArea {
  dir: string;
  /** Becomes the entry folder on commit. */
  entryDir: string;
  outDir: string;
  tmpDir: string;
  jobPath: string;
  resultPath: string;
}

/** The cache store rooted at `cacheDir`. */
export class Store {
  readonly fileHashes: FileHashes;

  constructor(readonly cacheDir: string) {
    this.fileHashes = new FileHashes(join(cacheDir, "file_hashes.json"));
  }

  entryDir(kind: string, key: string): string {
    return join(this.cacheDir, kind, key);
  }

  outDir(kind: string, key: string): string {
    return join(this.entryDir(kind, key), "out");
  }

  logPath(kind: string, key: string): string {
    return join(this.cacheDir, "logs", `${kind}-${key}.log`);
  }

  /**
   * What the store holds for `kind`/`key`, verifying output hashes against the manifest: through the size+mtime
   * memo, or, with `content`, by reading every output again (for entries about to be read as inputs).
   */
  async inspect(kind: string, key: string, options: { content?: boolean } = {}): Promise<EntryState> {
    const dir = this.entryDir(kind, key);
    let manifest: Manifest | undefined;
    try {
      manifest = await readJsonIfExists<Manifest>(join(dir, "manifest.json"));
    } catch {
      return { state: "corrupt", detail: "manifest.json is not valid JSON" };
    }
    // Nothing usable: the caller runs the stage and records it.
    if (!manifest) return { state: "missing" };
    const found = await listFiles(join(dir, "out"));
    for (const file of Object.keys(manifest.outputs)) {
      if (!found.includes(file)) return { state: "corrupt", detail: `output "${file}" is missing` };
      const path = join(dir, "out", file);
      const hash = await (options.content ? this.fileHashes.rehash(path) : this.fileHashes.hash(path));
      // Corrupt: the caller removes it and treats it as a miss.
      if (hash !== manifest.outputs[file]) {
        return { state: "corrupt", detail: `output "${file}" does not match its hash` };
      }
    }
    const extra = found.find((file) => !(file in manifest.outputs));
    if (extra) return { state: "corrupt", detail: `output "${extra}" is not in the manifest` };
    // Verified: keep it.
    return { state: "complete", manifest };
  }

  /** Take the per-key lock; resolves to its release function. */
  lock(kind: string, key: string, options?: KeyLockOptions): Promise<() => Promise<void>> {
    return acquireKeyLock(join(this.cacheDir, ".locks", `${kind}-${key}.lock`), options);
  }

  /** A fresh temp area, named after this process so that a later start can tell it is stale. */
  async createTempArea(): Promise<TempArea> {
    const dir = join(this.cacheDir, ".tmp", `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`);
    const area: TempArea = {
      dir,
      entryDir: join(dir, "entry"),
      outDir: join(dir, "entry", "out"),
      tmpDir: join(dir, "tmp"),
      jobPath: join(dir, "job.json"),
      resultPath: join(dir, "result.json"),
    };
    await Deno.mkdir(area.outDir, { recursive: true });
    await Deno.mkdir(area.tmpDir, { recursive: true });
    return area;
  }

  /** sha256 of every file the stage wrote, by path relative to its out folder. */
  async hashOutputs(area: TempArea): Promise<Record<string, string>> {
    const outputs: Record<string, string> = {};
    for (const file of await listFiles(area.outDir)) {
      outputs[file] = await sha256File(join(area.outDir, file));
    }
    return outputs;
  }

  /** Write the manifest into the area and rename the entry into place, replacing an older entry. */
  async commit(area: TempArea, manifest: Manifest): Promise<void> {
    await Deno.writeTextFile(join(area.entryDir, "manifest.json"), JSON.stringify(manifest, null, 2));
    const target = this.entryDir(manifest.kind, manifest.key);
    await Deno.mkdir(join(target, ".."), { recursive: true });
    if (await exists(target)) await Deno.rename(target, join(area.dir, "replaced"));
    await Deno.rename(area.entryDir, target);
    await Deno.remove(area.dir, { recursive: true });
  }

  /** Remove an entry; it disappears at once by being renamed into the temp area first. */
  async remove(kind: string, key: string): Promise<void> {
    const aside = join(this.cacheDir, ".tmp", `${Deno.pid}-removed-${crypto.randomUUID().slice(0, 8)}`);
    await Deno.mkdir(join(this.cacheDir, ".tmp"), { recursive: true });
    try {
      await Deno.rename(this.entryDir(kind, key), aside);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    await Deno.remove(aside, { recursive: true });
  }

  /** Delete temp areas and lock files left by processes that are no longer running. */
  async cleanStale(): Promise<string[]> {
    const removed: string[] = [];
    for (const folder of [".tmp", ".locks"]) {
      for await (const entry of readDirIfExists(join(this.cacheDir, folder))) {
        const path = join(this.cacheDir, folder, entry.name);
        const pid = folder === ".tmp"
          ? parseInt(entry.name, 10)
          : parseInt(await Deno.readTextFile(path).catch(() => ""), 10);
        if (Number.isNaN(pid) || pidAlive(pid)) continue;
        await Deno.remove(path, { recursive: true }).catch(() => {});
        removed.push(path);
      }
    }
    return removed;
  }

  /** Every complete-looking entry as `{kind, key}`. */
  async entries(): Promise<{ kind: string; key: string }[]> {
    const out: { kind: string; key: string }[] = [];
    for await (const kind of readDirIfExists(this.cacheDir)) {
      if (!kind.isDirectory || kind.name.startsWith(".") || kind.name === "logs") continue;
      for await (const key of readDirIfExists(join(this.cacheDir, kind.name))) {
        if (key.isDirectory) out.push({ kind: kind.name, key: key.name });
      }
    }
    return out;
  }

  /** Instance id (qualified by target) → latest run. */
  async readIndex(): Promise<Record<string, PreviousRun>> {
    return await readJsonIfExists<Record<string, PreviousRun>>(join(this.cacheDir, "index.json"))
      .catch(() => undefined) ?? {};
  }

  /** Merge `runs` into the index. Concurrent writers can drop each other's updates, costing only reason detail. */
  async updateIndex(runs: Record<string, PreviousRun>): Promise<void> {
    await atomicWrite(
      join(this.cacheDir, "index.json"),
      JSON.stringify({ ...await this.readIndex(), ...runs }),
    );
  }
}

/** Files under `dir`, recursively, as sorted paths relative to it (`/`-separated). */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string) => {
    for await (const entry of readDirIfExists(current)) {
      const path = join(current, entry.name);
      if (entry.isDirectory) await walk(path);
      else out.push(relative(dir, path).split("\\").join("/"));
    }
  };
  await walk(dir);
  return out.sort();
}

async function* readDirIfExists(dir: string): AsyncIterable<Deno.DirEntry> {
  try {
    yield* Deno.readDir(dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
