/**
 * The GPU path end to end, shared by the webgpu smoke tests (one file per target, so that the two run side by
 * side): the smoke profiles of `table1` and `fmnist-sweep` on the WebGPU backend (the software adapter, llvmpipe,
 * on machines without a GPU: CI included) give the metrics the wasm backend gives.
 *
 * Tolerance: 5e-3 relative (+1e-6 absolute) on every numeric metric except timings. Both backends compute in
 * float32, in different orders (WebGPU's tiled products and reductions; the latent layer as a graph on WebGPU and
 * as a fused host loop on wasm, equal to float32 rounding), so trained weights differ by ~1e-6 relative after the
 * smoke runs' few steps. Measured on this code: table1's metrics agree within 1e-4; fmnist-sweep's within 1.6e-3,
 * the largest in its FID (a matrix square root of the difference of two nearly equal covariances) and in
 * counts over thresholds (non-zero fraction, multi-information bins), where a code entry near its threshold
 * may fall on the other side. A wrong kernel or gradient moves these metrics by far more.
 * Skipped where this runtime offers no WebGPU adapter.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { reproduce } from "../pipeline/reproduce.ts";
import { isTimingMetric } from "../pipeline/timing_metric.ts";
import { gpuAdapterDescription } from "../lib/tensor/gpu_probe.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
/** Whether this runtime offers a WebGPU adapter (tests skip without one). */
export const hasAdapter = !(await gpuAdapterDescription()).description.startsWith("no ");

type Lock = { instances: Record<string, { metrics?: Record<string, unknown> }> };

/** The smoke profile of `target` on `backend`; returns its lock file. */
async function smoke(target: string, backend: string, tmp: string): Promise<Lock> {
  const options = {
    root,
    target,
    profile: "smoke",
    jobs: 2,
    backend,
    cacheDir: join(tmp, "cache"),
    resultsDir: join(tmp, backend),
  };
  const result = await reproduce(options);
  if (!result.ok) {
    throw new Error(
      `${target} on ${backend} failed: ${
        JSON.stringify(result.outcomes.filter((o) => o.status === "failed"))
      }`,
    );
  }
  return JSON.parse(await Deno.readTextFile(join(tmp, backend, "smoke", `${target}.lock.json`)));
}

/** Run `target`'s smoke profile on wasm and on webgpu and fail on any metric that differs beyond the tolerance. */
export async function compareSmoke(target: string): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: `vsc-webgpu-${target}-` });
  try {
    const cpu = await smoke(target, "wasm", tmp);
    const gpu = await smoke(target, "webgpu", tmp);
    const off: string[] = [];
    let compared = 0;
    for (const [id, entry] of Object.entries(cpu.instances)) {
      for (const [name, value] of Object.entries(entry.metrics ?? {})) {
        const other = gpu.instances[id]?.metrics?.[name];
        if (typeof value !== "number" || isTimingMetric(name)) continue;
        compared++;
        if (typeof other !== "number" || !(Math.abs(other - value) <= 1e-6 + 5e-3 * Math.abs(value))) {
          off.push(`${id} ${name}: wasm ${value}, webgpu ${other}`);
        }
      }
    }
    if (compared < 20) throw new Error(`only ${compared} metrics compared`);
    if (off.length > 0) throw new Error(`metrics that differ:\n${off.join("\n")}`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}
