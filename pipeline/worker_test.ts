import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertEquals, assertStringIncludes } from "../lib/testing/assert.ts";
import type { WorkerJob, WorkerResult } from "./_worker.ts";
import { productKernels } from "./backend.ts";

const WORKER = fileURLToPath(new URL("./_worker.ts", import.meta.url));

/** Run the worker on a toy stage with the given product kernels in its job; its exit code and result. */
async function runWorker(kernels: string): Promise<{ code: number; result: WorkerResult }> {
  const dir = await Deno.makeTempDir();
  const module = join(dir, "mod.ts");
  await Deno.writeTextFile(module, "export const stage = { name: 'toy', run: () => ({ ran: 1 }) };\n");
  const job: WorkerJob = {
    module,
    id: "toy",
    params: {},
    outDir: dir,
    inputs: {},
    backend: "cpu",
    kernels,
    resultPath: join(dir, "result.json"),
  };
  await Deno.writeTextFile(join(dir, "job.json"), JSON.stringify(job));
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WORKER, join(dir, "job.json")],
    env: { PIPELINE_WORKER_DETACHED: "1" },
    stdout: "null",
    stderr: "null",
  }).output();
  const result = JSON.parse(await Deno.readTextFile(job.resultPath)) as WorkerResult;
  await Deno.remove(dir, { recursive: true });
  return { code, result };
}

Deno.test("the worker runs a stage whose key names this machine's product kernels", async () => {
  assertEquals(await runWorker(await productKernels("cpu")), { code: 0, result: { metrics: { ran: 1 } } });
});

Deno.test("the worker refuses a stage whose key names other product kernels (a node unlike the planner)", async () => {
  const { code, result } = await runWorker("OpenBLAS 0.3.21 DYNAMIC_ARCH Haswell (another machine)");
  assertEquals(code, 1);
  assertStringIncludes(
    "error" in result ? result.error : "",
    'Cannot run toy here: its cache key was made for products computed by "OpenBLAS 0.3.21 DYNAMIC_ARCH Haswell',
  );
});
