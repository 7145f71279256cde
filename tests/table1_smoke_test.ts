/**
 * End to end: the table1 target on the smoke profile, through the engine and real worker processes, twice.
 * The second run must compute nothing, and the published tables must hold every method of the profile.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { reproduce } from "../pipeline/reproduce.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

Deno.test("reproduce table1 --profile smoke writes Table 1 and 2, and a rerun computes nothing", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "vsc-table1-" });
  try {
    const options = {
      root,
      target: "table1",
      profile: "smoke",
      jobs: 2,
      backend: "wasm",
      cacheDir: join(tmp, "cache"),
      resultsDir: join(tmp, "results"),
    };
    const first = await reproduce(options);
    const failed = first.outcomes.filter((o) => o.status === "failed");
    if (!first.ok) throw new Error(`first run failed: ${JSON.stringify(failed)}`);
    // A training stage's manifest records which backend ran and why.
    const train = first.outcomes.find((o) => o.id.startsWith("train[") && o.status === "ran");
    const info = train && "manifest" in train ? train.manifest.backendInfo : undefined;
    if (info !== "wasm (chosen with --backend)") throw new Error(`backendInfo is ${info}`);

    const second = await reproduce(options);
    const ran = second.outcomes.filter((o) => o.status !== "cached").map((o) => o.id);
    if (ran.length) throw new Error(`a rerun with nothing changed ran ${ran.join(", ")}`);

    const table1 = await Deno.readTextFile(join(tmp, "results", "smoke", "table1.md"));
    for (const label of ["FISTA (baseline)", "Gaussian", "Thresholded Laplacian", 'profile "smoke"']) {
      if (!table1.includes(label)) throw new Error(`table1.md lacks "${label}"`);
    }
    const table2 = await Deno.readTextFile(join(tmp, "results", "smoke", "table2.md"));
    if (!table2.includes("Thresholded Laplacian (SG)")) {
      throw new Error("table2.md lacks the subgradient row");
    }
    await Deno.stat(join(tmp, "results", "smoke", "figures", "dictionary_thr_laplacian_J1.png"));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
