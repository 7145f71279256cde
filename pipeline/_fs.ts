/**
 * File-system primitives the store and the results writer share: atomic writes and process liveness.
 *
 * @module
 */
import { dirname } from "node:path";

/** Write `data` to a sibling temp file and rename it over `path`, so readers never see half a file. */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(temp, data);
    else await Deno.writeFile(temp, data);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** Parsed JSON of `path`, or `undefined` when the file does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Whether a process with this id is running on this machine. */
export function pidAlive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  if (Deno.build.os === "linux") {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      // A zombie ("Z") has exited; only its parent has not reaped it yet.
      return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
    } catch {
      return false;
    }
  }
  const { success } = new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" }).outputSync();
  return success;
}

/**
 * An error's message in the project's grammar where the OS's is cryptic: a full disk ("No space left on device
 * (os error 28)") becomes "Cannot write <path>: no space left on its device"; anything else is its message.
 *
 * @example
 * ```ts
 * import { describeError } from "./_fs.ts";
 * const e = new Error("No space left on device (os error 28): write '/c/out/a.bin'");
 * if (describeError(e) !== "Cannot write /c/out/a.bin: no space left on its device") throw new Error(describeError(e));
 * ```
 */
export function describeError(error: unknown): string {
  return noSpaceMessage(error) ?? (error instanceof Error ? error.message : String(error));
}

/** "Cannot write <path>: no space left on its device" when `error` is a full disk, else undefined. */
export function noSpaceMessage(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!/os error 28|No space left on device/i.test(message)) return undefined;
  const path = /'([^']+)'/.exec(message)?.[1];
  return `Cannot write ${path ?? "the cache"}: no space left on its device`;
}

/** Whether `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
