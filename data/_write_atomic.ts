/**
 * Atomic file writes for data downloads: write a temporary file beside the target, then rename, so a
 * reader never sees half a file and an interrupted download leaves the old file (or none) in place.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/**
 * Write `bytes` to `path` atomically, creating the parent folders.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./_write_atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/sub/x.bin`, new Uint8Array([1, 2]));
 * if ((await Deno.readFile(`${dir}/sub/x.bin`)).length !== 2) throw new Error("not written");
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`Cannot write "${path}": ${(e as Error).message}`);
  }
}
