import { assert, assertEquals } from "../lib/testing/assert.ts";
import { join } from "node:path";
import { compressed, matFile, matrix } from "./_mat_v5_fixture.ts";
import { type FetchIO, main } from "./fetch.ts";

// Offline: the network is a fake `fetch`; nothing here touches the internet.

const SMALL_MAT = matFile(
  [compressed(matrix("IMAGES", 6, [2, 2, 1], [1, 2, 3, 4], "f64", true), true)],
  true,
);

function io(respond: () => Promise<Response>): FetchIO & { out: string[]; err: string[] } {
  const out: string[] = [], err: string[] = [];
  return { fetch: respond as typeof fetch, print: (l) => out.push(l), error: (l) => err.push(l), out, err };
}

function listDir(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("fetch-data writes a downloaded IMAGES.mat atomically and warns that its blob id is unknown", async () => {
  const dest = await Deno.makeTempDir();
  const t = io(() => Promise.resolve(new Response(SMALL_MAT.slice().buffer)));
  assertEquals(await main(["--dest", dest], t), 0);
  assertEquals(await Deno.readFile(join(dest, "IMAGES.mat")), SMALL_MAT);
  assertEquals(listDir(dest), ["IMAGES.mat"]); // no temporary file left behind
  assert(t.err[0].startsWith("warning:") && t.err[0].includes("18a1e3ab"), t.err.join("\n"));
  assert(t.out[0].includes("IMAGES 2×2×1"), t.out.join("\n"));
  await Deno.remove(dest, { recursive: true });
});

Deno.test("fetch-data prints one clear line and writes nothing when the network fails", async () => {
  const dest = await Deno.makeTempDir();
  const t = io(() => Promise.reject(new TypeError("error sending request: dns error")));
  assertEquals(await main(["--dest", dest], t), 1);
  assertEquals(t.err.length, 1);
  assert(
    t.err[0].startsWith("Cannot fetch http://www.rctn.org/bruno/sparsenet/IMAGES.mat: error sending"),
    t.err[0],
  );
  assertEquals(listDir(dest), []);
  await Deno.remove(dest, { recursive: true });
});

Deno.test("fetch-data rejects an HTTP error and a body that is not IMAGES.mat, keeping the old file", async () => {
  const dest = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dest, "IMAGES.mat"), "old");
  const notFound = io(() => Promise.resolve(new Response("gone", { status: 404, statusText: "Not Found" })));
  assertEquals(await main(["--dest", dest], notFound), 1);
  assert(notFound.err[0].includes("HTTP 404 Not Found"), notFound.err[0]);
  const html = io(() => Promise.resolve(new Response("<html>moved</html>")));
  assertEquals(await main(["--dest", dest], html), 1);
  assert(html.err[0].includes("the response is not IMAGES.mat"), html.err[0]);
  assertEquals(await Deno.readTextFile(join(dest, "IMAGES.mat")), "old");
  assertEquals(listDir(dest), ["IMAGES.mat"]);
  await Deno.remove(dest, { recursive: true });
});

Deno.test("fetch-data prints instructions for fashion-mnist and celeba without using the network", async () => {
  const never = io(() => Promise.reject(new Error("network used")));
  assertEquals(await main(["--dataset", "fashion-mnist"], never), 0);
  assert(never.out.some((l) => l.includes("dataset-fashion-mnist")), never.out.join("\n"));
  assertEquals(await main(["--dataset", "celeba", "--dest", "/d"], never), 0);
  assert(never.out.some((l) => l.includes("/d/celeba/img_align_celeba")), never.out.join("\n"));
  assertEquals(await main(["--dataset", "mnist"], never), 2);
  assert(never.err[0].includes('unknown dataset "mnist"'), never.err[0]);
});
