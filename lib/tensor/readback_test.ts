/**
 * The rule of `readback.ts`: no synchronous read in library or stage code, outside the places listed here with
 * the reason they can never see a GPU tensor.
 */
const ALLOWED: Record<string, string> = {
  "lib/tensor/host.ts": "the cpu branch of hostCompute, which refuses every non-host backend",
  "lib/vsc/_testing.ts": "helpers of the tests",
  "lib/vsc/priors/gamma.ts": "the host Gamma sampler of a learned λ, refused on GPU backends by sampleLatent",
  "lib/vsc/_latent_graph.ts":
    "the mean sampled λ, computed only for a learned λ, which never reaches this path on a GPU",
};

/** Source lines of a module without its comments (good enough for a call-site search: no parser needed). */
function codeLines(text: string): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (inBlock) {
      if (t.includes("*/")) inBlock = false;
      continue;
    }
    if (t.startsWith("/*")) {
      inBlock = !t.includes("*/");
      continue;
    }
    if (t.startsWith("//")) continue;
    out.push(line);
  }
  return out;
}

Deno.test("lib/ and stages/ read tensors only through readback.ts (no dataSync or arraySync outside the allowed places)", async () => {
  const root = new URL("../../", import.meta.url);
  const offenders: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(new URL(dir, root))) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory) await walk(`${path}/`);
      else if (path.endsWith(".ts") && !path.endsWith("_test.ts") && !(path in ALLOWED)) {
        const lines = codeLines(await Deno.readTextFile(new URL(path, root)));
        lines.forEach((l) => {
          if (/\.(dataSync|arraySync)\(/.test(l)) offenders.push(`${path}: ${l.trim()}`);
        });
      }
    }
  };
  await walk("lib/");
  await walk("stages/");
  if (offenders.length > 0) throw new Error(`synchronous reads:\n${offenders.join("\n")}`);
});
