/**
 * A lock file per cache key, holding its owner's identity, broken when that owner is gone.
 *
 * - Created complete or not at all: the owner line is written to a private temporary file first, then hard-linked
 *   to the lock path (`link` fails if the lock exists), so no lock is ever seen empty — a full disk fails the
 *   temporary write with an error instead of leaving a pid-less lock that would block every later run.
 * - The owner is `pid start-time` (Linux: field 22 of `/proc/<pid>/stat`): a lock whose pid now belongs to
 *   another process (pids are reused after reboots and long uptimes) is stale, not held.
 * - A lock without a readable owner (written by an older version, or truncated) is stale once it is older than
 *   `GRACE_MS`.
 * - Breaking renames the file first, so two processes that both find a stale lock cannot both delete it: only
 *   one rename succeeds.
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

/** How old a lock without an owner line must be before it counts as stale. */
const GRACE_MS = 5000;

/** Take the lock at `path`, waiting while a live process holds it; resolves to its release function. */
export async function acquireKeyLock(
  path: string,
  options: KeyLockOptions = {},
): Promise<() => Promise<void>> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const mine = ownerLine(Deno.pid);
  let waited = false;
  while (true) {
    if (await createWith(path, mine)) return () => Deno.remove(path).catch(() => {});
    const content = await readText(path);
    if (content === undefined) continue; // released between our attempt and our read
    const owner = parseOwner(content);
    if (owner === undefined ? await olderThan(path, GRACE_MS) : !ownerAlive(owner)) {
      await breakStale(path, content);
      continue;
    }
    if (!waited && owner !== undefined) options.onWait?.(owner.pid);
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

/** Create `path` holding `content` unless it exists (then false); the file never exists without its content. */
async function createWith(path: string, content: string): Promise<boolean> {
  const tmp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(tmp, content, { createNew: true });
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`Cannot take the lock ${path}: ${(error as Error).message}`);
  }
  try {
    await Deno.link(tmp, path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw new Error(`Cannot take the lock ${path}: ${(error as Error).message}`);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/** `pid start` for this process (start empty where the OS does not say). */
function ownerLine(pid: number): string {
  return `${pid} ${startTime(pid) ?? ""}\n`;
}

function parseOwner(content: string): { pid: number; start?: string } | undefined {
  const [pidText, start] = content.trim().split(/\s+/);
  const pid = parseInt(pidText, 10);
  return Number.isNaN(pid) ? undefined : { pid, start: start || undefined };
}

/** Alive, and the same process: its start time matches where both are known. */
function ownerAlive(owner: { pid: number; start?: string }): boolean {
  if (!pidAlive(owner.pid)) return false;
  const now = startTime(owner.pid);
  return owner.start === undefined || now === undefined || now === owner.start;
}

/** Start time of `pid` in clock ticks since boot (Linux), or undefined. */
function startTime(pid: number): string | undefined {
  if (Deno.build.os !== "linux") return undefined;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name "(…)": state is field 3, starttime field 22.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    const mtime = (await Deno.stat(path)).mtime?.getTime() ?? 0;
    return Date.now() - mtime > ms;
  } catch {
    return false;
  }
}

async function breakStale(path: string, staleContent: string): Promise<void> {
  const aside = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.broken`;
  try {
    await Deno.rename(path, aside);
  } catch {
    return;
  }
  // Between our read and our rename another process may have broken the lock and taken it: give it back.
  if ((await readText(aside)) !== staleContent) await Deno.link(aside, path).catch(() => {});
  await Deno.remove(aside).catch(() => {});
}
