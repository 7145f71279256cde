/**
 * The entropy-elbo target's cross-paper table reads the linear experiment's quick runs as its own `linear` stage:
 * its params must stay those of table1's quick runs, so that both targets share the cache entries (one training,
 * not two). This fails when one experiment file changes those runs and the other does not.
 */
import { fileURLToPath } from "node:url";
import { assertEquals } from "../lib/testing/assert.ts";
import { planTarget } from "../pipeline/target.ts";
import { productKernels } from "../pipeline/backend.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

Deno.test("entropy-elbo's linear runs are table1's quick runs (same keys)", async () => {
  const keys = async (target: string, stage: string) => {
    const { items } = await planTarget({ root, target, profile: "quick", backend: "wasm" });
    return Object.fromEntries(
      items.filter((i) => i.instance.stage === stage).map((
        i,
      ) => [String(i.instance.params.method), i.instance.key]),
    );
  };
  const [linear, table1] = [await keys("entropy-elbo", "linear"), await keys("table1", "train")];
  assertEquals(Object.keys(linear).sort(), ["fista", "laplacian", "thr_laplacian"]);
  for (const [method, key] of Object.entries(linear)) assertEquals(key, table1[method], method);
});

Deno.test("a training stage's key names the backend and what computes its products here; data prep's neither", async () => {
  const { items } = await planTarget({ root, target: "table1", profile: "quick", backend: "wasm" });
  const kernels = await productKernels("wasm");
  for (const { instance } of items) {
    const expected: Record<string, string> = instance.stage === "patches" ? {} : { backend: "wasm", kernels };
    if (instance.stage === "patches" || instance.stage === "train") {
      assertEquals(instance.env, expected, instance.id);
    }
  }
});
