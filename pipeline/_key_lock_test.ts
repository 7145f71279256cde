/** The key lock against the ways a lock file can be left behind (issue: an empty lock blocked every run). */
import { join } from "node:path";
import { acquireKeyLock } from "./_key_lock.ts";

/** Acquire within `ms` or fail. */
async function acquireWithin(path: string, ms: number): Promise<() => Promise<void>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the lock was not acquired within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([acquireKeyLock(path, { pollMs: 20 }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("a lock file left empty (a full disk, a crash of an older version) is broken once it is old", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "k.lock");
  await Deno.writeTextFile(path, "");
  const old = new Date(Date.now() - 60_000);
  await Deno.utime(path, old, old);
  const release = await acquireWithin(path, 2000);
  const owner = (await Deno.readTextFile(path)).trim().split(" ")[0];
  if (owner !== String(Deno.pid)) throw new Error(`the lock should name this process, holds "${owner}"`);
  await release();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a lock naming a live but unrelated process (a reused pid) is broken", async () => {
  if (Deno.build.os !== "linux") return; // start times come from /proc
  const dir = await Deno.makeTempDir();
  const path = join(dir, "k.lock");
  // This process's pid with a start time it never had: the pid is alive, the owner is not.
  await Deno.writeTextFile(path, `${Deno.pid} 1\n`);
  const release = await acquireWithin(path, 2000);
  await release();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a lock held by a live owner is waited for, and taken when released", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "k.lock");
  const first = await acquireKeyLock(path);
  let second: (() => Promise<void>) | undefined;
  const pending = acquireKeyLock(path, { pollMs: 10 }).then((r) => second = r);
  await new Promise((r) => setTimeout(r, 100));
  if (second) throw new Error("the second owner got a held lock");
  await first();
  await pending;
  await second!();
  await Deno.remove(dir, { recursive: true });
});
