import { join } from "node:path";
import { assert, assertEquals } from "../lib/testing/assert.ts";
import type { Manifest } from "./manifest.ts";
import { Store } from "./store.ts";

async function committed(store: Store, key = "k1"): Promise<Manifest> {
  const area = await store.createTempArea();
  await Deno.writeTextFile(join(area.outDir, "a.txt"), "hello");
  await Deno.mkdir(join(area.outDir, "sub"));
  await Deno.writeTextFile(join(area.outDir, "sub", "b.txt"), "world");
  const manifest = { key, kind: "toy", id: "toy", outputs: await store.hashOutputs(area) } as Manifest;
  await store.commit(area, manifest);
  return manifest;
}

Deno.test("Store.inspect() reports a committed entry complete, and an absent one missing", async () => {
  const store = new Store(await Deno.makeTempDir());
  const manifest = await committed(store);
  assertEquals(Object.keys(manifest.outputs), ["a.txt", "sub/b.txt"]);
  assertEquals(await store.inspect("toy", "k1"), { state: "complete", manifest });
  assertEquals(await store.inspect("toy", "k2"), { state: "missing" });
  assertEquals(await Deno.readTextFile(join(store.outDir("toy", "k1"), "sub", "b.txt")), "world");
});

Deno.test("Store.inspect() reports an entry whose output no longer matches its hash as corrupt", async () => {
  const store = new Store(await Deno.makeTempDir());
  await committed(store);
  await Deno.writeTextFile(join(store.outDir("toy", "k1"), "a.txt"), "HELLO");
  assertEquals(await store.inspect("toy", "k1"), {
    state: "corrupt",
    detail: `output "a.txt" does not match its hash`,
  });
  await Deno.remove(join(store.outDir("toy", "k1"), "a.txt"));
  assertEquals(await store.inspect("toy", "k1"), { state: "corrupt", detail: `output "a.txt" is missing` });
});

Deno.test("Store.inspect() treats a temp area without a renamed entry as missing", async () => {
  const store = new Store(await Deno.makeTempDir());
  const area = await store.createTempArea();
  await Deno.writeTextFile(join(area.outDir, "a.txt"), "half");
  assertEquals(await store.inspect("toy", "k1"), { state: "missing" });
});

Deno.test("Store.cleanStale() removes temp areas and locks of dead processes only", async () => {
  const cacheDir = await Deno.makeTempDir();
  const store = new Store(cacheDir);
  const mine = await store.createTempArea();
  const dead = new Deno.Command("true").spawn();
  const { pid } = dead;
  await dead.status;
  await Deno.mkdir(join(cacheDir, ".tmp", `${pid}-deadbeef`), { recursive: true });
  await Deno.mkdir(join(cacheDir, ".locks"), { recursive: true });
  await Deno.writeTextFile(join(cacheDir, ".locks", "toy-k.lock"), `${pid}\n`);
  const removed = await store.cleanStale();
  assertEquals(removed.sort(), [
    join(cacheDir, ".locks", "toy-k.lock"),
    join(cacheDir, ".tmp", `${pid}-deadbeef`),
  ]);
  assert((await Deno.stat(mine.dir)).isDirectory);
});

Deno.test("Store.lock() makes a second taker wait for the release, and breaks a dead owner's lock", async () => {
  const cacheDir = await Deno.makeTempDir();
  const store = new Store(cacheDir);
  const order: string[] = [];
  const release = await store.lock("toy", "k");
  const second = store.lock("toy", "k", { pollMs: 10 }).then((r) => {
    order.push("second");
    return r;
  });
  await new Promise((r) => setTimeout(r, 50));
  order.push("first released");
  await release();
  await (await second)();
  assertEquals(order, ["first released", "second"]);

  const dead = new Deno.Command("true").spawn();
  await dead.status;
  await Deno.writeTextFile(join(cacheDir, ".locks", "toy-k.lock"), `${dead.pid}\n`);
  const broken = await store.lock("toy", "k", { pollMs: 10 });
  const owner = (await Deno.readTextFile(join(cacheDir, ".locks", "toy-k.lock"))).split(" ")[0];
  assertEquals(owner, String(Deno.pid));
  await broken();
});
