/**
 * End to end: the entropy-elbo target on the smoke profile, through the engine and real worker processes: every
 * posterior family with learned and with generating fields, the baseline ELBOs, the bars tables and both figures.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { reproduce } from "../pipeline/reproduce.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

Deno.test("reproduce entropy-elbo --profile smoke writes the bars table and figures for every posterior family", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "vsc-entropy-elbo-" });
  try {
    const result = await reproduce({
      root,
      target: "entropy-elbo",
      profile: "smoke",
      jobs: 2,
      backend: "wasm",
      cacheDir: join(tmp, "cache"),
      resultsDir: join(tmp, "results"),
    });
    if (!result.ok) {
      throw new Error(`run failed: ${JSON.stringify(result.outcomes.filter((o) => o.status === "failed"))}`);
    }
    const table = await Deno.readTextFile(join(tmp, "results", "smoke", "bars.md"));
    for (const label of ["diagonal Gaussian", "full-covariance Gaussian", "amortised", "-8.782 / -8.884"]) {
      if (!table.includes(label)) throw new Error(`bars.md lacks "${label}"`);
    }
    const compare = await Deno.readTextFile(join(tmp, "results", "smoke", "compare.md"));
    for (
      const label of [
        "FISTA (baseline) (Fallah & Rozell)",
        "entropy ELBO L^H, EM",
        "objective (10)",
        "analytic Gaussian–Laplace ELBO (baseline), amortised",
        "Monte-Carlo Gaussian–Laplace ELBO (baseline), amortised",
      ]
    ) {
      if (!compare.includes(label)) throw new Error(`compare.md lacks "${label}"`);
    }
    const baselines = await Deno.readTextFile(join(tmp, "results", "smoke", "bars_baselines.md"));
    for (const label of ["entropy ELBO L^H", "analytic Gaussian–Laplace", "Monte-Carlo reparameterised"]) {
      if (!baselines.includes(label)) throw new Error(`bars_baselines.md lacks "${label}"`);
    }
    const patches = await Deno.readTextFile(join(tmp, "results", "smoke", "patches.md"));
    for (const label of ["analytic-ELBO baseline", "Monte-Carlo-ELBO baseline", "EM, annealing"]) {
      if (!patches.includes(label)) throw new Error(`patches.md lacks "${label}"`);
    }
    for (
      const figure of [
        "bars_fields.png",
        "bars_elbo.png",
        "bars_elbo.svg",
        "patches_elbo.png",
        "patches_fields_EM_annealing.png",
        "patches_fields_amortised_no_annealing.png",
        "patches_fields_amortised_analytic-ELBO_baseline.png",
      ]
    ) {
      await Deno.stat(join(tmp, "results", "smoke", "figures", figure));
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
