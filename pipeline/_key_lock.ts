/**
 * A lock file per cache key: created exclusively, holding the owner's pid, broken when that pid is dead.
 *
 * Works across processes on one machine. Breaking renames the file first, so two processes that both
 * find a stale lock cannot both delete it: only one rename succeeds.
 *
 * @module
 */
import { dirname } from "node:path";
import { pidAlive } from "./_fs.ts";

/** Options of {@linkcode acquireKeyLock}. */
export interface KeyLockOptions {
  /** Called once if another live process holds the lock. */
  onWait?: (pid: number) => void;
  /** @default 100 */
  pollMs?: number;
}

/** Take the lock at `path`, waiting while a live process holds it; resolves to its release function. */
export async function acquireKeyLock(
  path: string,
  options: KeyLockOptions = {},
): Promise<() => Promise<void>> {
  await Deno.mkdir(dirname(path), { recursive: true });
  let waited = false;
  while (true) {
    try {
      const file = await Deno.open(path, { createNew: true, write: true });
      await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
      file.close();
      return () => Deno.remove(path).catch(() => {});
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const holder = await readPid(path);
    if (holder !== undefined && !pidAlive(holder)) {
      await breakStale(path, holder);
      continue;
    }
    if (!waited && holder !== undefined) options.onWait?.(holder);
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

async function readPid(path: string): Promise<number | undefined> {
  try {
    const pid = parseInt(await Deno.readTextFile(path), 10);
    // An empty file is a lock whose owner has not written its pid yet: treat it as held.
    return Number.isNaN(pid) ? undefined : pid;
  } catch {
    return undefined;
  }
}

async function breakStale(path: string, deadPid: number): Promise<void> {
  const aside = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.broken`;
  try {
    await Deno.rename(path, aside);
  } catch {
    return;
  }
  // Between our read and our rename another process may have broken the lock and taken it: give it back.
  if ((await readPid(aside)) !== deadPid) await Deno.link(aside, path).catch(() => {});
  await Deno.remove(aside).catch(() => {});
}
