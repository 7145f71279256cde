/**
 * Digests of files, memoised by path, size and mtime so that unchanged files are never reread.
 *
 * Used with content sha256 for data files (`stage.files(params)`) and for verifying cache entries' outputs,
 * and with the code fingerprint (`code_fingerprint.ts`) for the modules the code hash covers, each in its own
 * memo. A memo is a small JSON file under the cache directory; losing it only costs rehashing.
 *
 * @module
 */
import { resolve } from "node:path";
import { sha256File } from "./_hash.ts";
import { atomicWrite, readJsonIfExists } from "./_fs.ts";

type MemoEntry = { size: number; mtime: number; sha256: string };

/** A path → digest memo persisted at `memoPath`. */
export class FileHashes {
  #memo: Record<string, MemoEntry> = {};
  #loaded: Promise<void> | undefined;
  #dirty = false;

  /** `digest` maps a file's absolute path to its digest. @default the sha256 of its content */
  constructor(readonly memoPath: string, readonly digest: (path: string) => Promise<string> = sha256File) {}

  /** The digest of the file at `path`, or `null` when it does not exist. */
  hash(path: string): Promise<string | null> {
    return this.#digestOf(path, true);
  }

  /**
   * The digest of the file at `path` from its content, ignoring the memo (a file changed in place with its size
   * and mtime kept fools the memo), and remembered; `null` when it does not exist.
   */
  rehash(path: string): Promise<string | null> {
    return this.#digestOf(path, false);
  }

  async #digestOf(path: string, trustMemo: boolean): Promise<string | null> {
    await (this.#loaded ??= this.#load());
    const absolute = resolve(path);
    let stat: Deno.FileInfo;
    try {
      stat = await Deno.stat(absolute);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
    const mtime = stat.mtime?.getTime() ?? 0;
    const known = this.#memo[absolute];
    if (trustMemo && known && known.size === stat.size && known.mtime === mtime) return known.sha256;
    const sha256 = await this.digest(absolute);
    this.#memo[absolute] = { size: stat.size, mtime, sha256 };
    this.#dirty = true;
    return sha256;
  }

  /** Persist new memo entries; concurrent writers may drop each other's entries, which costs a rehash. */
  async save(): Promise<void> {
    if (!this.#dirty) return;
    const onDisk = await readJsonIfExists<Record<string, MemoEntry>>(this.memoPath).catch(() => undefined);
    await atomicWrite(this.memoPath, JSON.stringify({ ...onDisk, ...this.#memo }));
    this.#dirty = false;
  }

  async #load(): Promise<void> {
    // A corrupt memo is only a lost optimisation.
    this.#memo = await readJsonIfExists<Record<string, MemoEntry>>(this.memoPath).catch(() => undefined) ??
      {};
  }
}
