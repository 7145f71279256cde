/**
 * `deno task gpu-check`: the one-command check of the GPU path on a GPU machine (no network; a few minutes):
 *
 * 1. the WebGPU adapter this runtime finds (vendor, architecture, fallback or not, limits);
 * 2. the benchmarks' linear train steps (Gaussian and thresholded Laplacian, J = 1 and 20, paper shapes) and the
 *    Fashion-MNIST conv step, on webgpu beside wasm (OpenBLAS when installed);
 * 3. a short training run through the pipeline: `table1 --profile smoke` on webgpu and on wasm, with every metric
 *    side by side and the largest relative difference (the test suite holds it within 5e-3 on llvmpipe).
 *
 * Writes `results/bench/gpu_check.json`. Refuses to run on a software adapter (a GPU check without a GPU
 * measures nothing) unless `--allow-software` is given (to try the script on llvmpipe); its JSON then goes only
 * where `--out=PATH` says.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tf } from "../lib/tensor/tf.ts";
import { Rng } from "../lib/tensor/rng.ts";
import { readScalars } from "../lib/tensor/readback.ts";
import { gpuAdapterDescription } from "../lib/tensor/gpu_probe.ts";
import { ConvVsc, defaultConvVscConfig } from "../lib/vsc/conv/conv_vsc.ts";
import { latentSpecFor } from "../lib/vsc/methods.ts";
import { reproduce } from "../pipeline/reproduce.ts";
import { isTimingMetric } from "../pipeline/timing_metric.ts";
import {
  type BenchResult,
  environment,
  type KernelChoice,
  timeIt,
  type Timing,
  useKernels,
  writeResult,
} from "./_harness.ts";
import { paperModel, patchBatch } from "./linear_step.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Adapter facts for the report. */
async function adapterFacts(): Promise<Record<string, unknown>> {
  type Adapter = { info?: Record<string, unknown>; limits?: Record<string, number>; features?: Set<string> };
  const gpu = (navigator as { gpu?: { requestAdapter(o?: unknown): Promise<Adapter | null> } }).gpu;
  const adapter = await gpu?.requestAdapter({ powerPreference: "high-performance" });
  const limits: Record<string, number> = {};
  for (const key of ["maxBufferSize", "maxStorageBufferBindingSize", "maxComputeWorkgroupStorageSize"]) {
    if (adapter?.limits?.[key] !== undefined) limits[key] = adapter.limits[key];
  }
  return {
    ...(await gpuAdapterDescription()),
    info: adapter?.info ? { ...adapter.info } : null,
    limits,
    features: adapter?.features ? [...adapter.features].sort() : [],
  };
}

/** Linear and conv steps on one kernel choice. */
async function steps(kernel: KernelChoice, iterations: number): Promise<Timing[]> {
  const kernelInfo = await useKernels(kernel);
  const out: Timing[] = [];
  for (const J of [1, 20]) {
    for (const method of ["gaussian", "thr_laplacian"] as const) {
      const rng = new Rng(1);
      const model = paperModel(method, J);
      const x = patchBatch(rng.fork("data"));
      const noise = rng.fork("noise");
      out.push(
        await timeIt({ case: `linear ${method} J=${J}`, kernel, kernelInfo }, async () => {
          const s = await model.trainStep(x, noise);
          await readScalars([s.loss, s.nonzero]);
          tf.dispose([s.loss, s.nonzero]);
        }, { iterations }),
      );
      tf.dispose(x);
      model.dispose();
    }
  }
  const spec = latentSpecFor("thr_laplacian", {
    lambdaGaussian: 0.52,
    lambdaLaplace: 0.23,
    spikePrior: 0.1,
    estimator: "straight",
  });
  const rng = new Rng(2);
  const model = new ConvVsc(
    { ...defaultConvVscConfig("fashion_mnist", spec, 64), samples: 20 },
    rng.fork("m"),
  );
  const x = tf.tensor4d(rng.fork("data").uniformArray(16 * 28 * 28), [16, 28, 28, 1]);
  const noise = rng.fork("noise");
  out.push(
    await timeIt({ case: "conv fashion_mnist B=16 J=20", kernel, kernelInfo }, async () => {
      const { loss } = model.trainStep(x, noise);
      await readScalars([loss]);
      loss.dispose();
    }, { iterations: Math.max(2, Math.floor(iterations / 2)), warmup: 1 }),
  );
  tf.dispose(x);
  model.dispose();
  return out;
}

/** `table1 --profile smoke` on `backend` in `dir`; its metrics by instance, and its wall time. */
async function smoke(backend: string, dir: string) {
  const t0 = performance.now();
  const result = await reproduce({
    root: ROOT,
    target: "table1",
    profile: "smoke",
    backend,
    cacheDir: join(dir, "cache"),
    resultsDir: join(dir, backend),
  });
  if (!result.ok) throw new Error(`Cannot finish the smoke run on ${backend}: a stage failed (see ${dir})`);
  const lock = JSON.parse(await Deno.readTextFile(join(dir, backend, "smoke", "table1.lock.json")));
  return {
    seconds: (performance.now() - t0) / 1000,
    instances: lock.instances as Record<string, { metrics: Record<string, unknown> }>,
  };
}

if (import.meta.main) {
  const allowSoftware = Deno.args.includes("--allow-software");
  const adapter = await adapterFacts();
  if (!adapter.hardware && !allowSoftware) {
    console.error(
      `Cannot check the GPU path: ${adapter.description}. Run it on a GPU machine (see the README), or pass --allow-software`,
    );
    Deno.exit(1);
  }
  console.log(`adapter: ${adapter.description}`);
  const iterations = allowSoftware && !adapter.hardware ? 2 : 10;
  const timings = [...await steps("webgpu", iterations), ...await steps("fast", iterations)];
  for (const t of timings) {
    console.log(`${t.case.padEnd(36)} ${t.kernel.padEnd(8)} ${t.medianMs.toFixed(1).padStart(9)} ms`);
  }

  const dir = await Deno.makeTempDir({ prefix: "vsc-gpu-check-" });
  const gpu = await smoke("webgpu", dir);
  const cpu = await smoke("wasm", dir);
  await Deno.remove(dir, { recursive: true });
  let worst = { id: "", metric: "", relative: 0 };
  for (const [id, entry] of Object.entries(cpu.instances)) {
    for (const [metric, value] of Object.entries(entry.metrics ?? {})) {
      const other = gpu.instances[id]?.metrics?.[metric];
      if (typeof value !== "number" || typeof other !== "number" || isTimingMetric(metric)) continue;
      const relative = Math.abs(other - value) / Math.max(1e-12, Math.abs(value));
      if (relative > worst.relative) worst = { id, metric, relative };
    }
  }
  console.log(
    `smoke table1: webgpu ${gpu.seconds.toFixed(0)} s, wasm ${
      cpu.seconds.toFixed(0)
    } s; largest metric difference ${worst.relative.toExponential(2)} (${worst.id} ${worst.metric})`,
  );

  const result: BenchResult & { adapter: Record<string, unknown>; smoke: Record<string, unknown> } = {
    name: "gpu_check",
    description:
      "GPU path check: adapter, train steps on webgpu beside wasm, table1 smoke on both (bench/gpu_check.ts)",
    env: environment(),
    notes: adapter.hardware ? [] : ["software adapter (--allow-software): timings say nothing about a GPU"],
    timings,
    adapter,
    smoke: { webgpuSeconds: gpu.seconds, wasmSeconds: cpu.seconds, largestRelativeDifference: worst },
  };
  if (adapter.hardware) console.log(`wrote ${await writeResult(result)}`);
  else {
    // A software adapter's numbers are not a GPU check: never written where the GPU results go.
    const out = Deno.args.find((a) => a.startsWith("--out="))?.slice(6);
    if (out) await Deno.writeTextFile(out, JSON.stringify(result, null, 2) + "\n");
    console.log(
      out ? `wrote ${out} (software adapter)` : "not written: software adapter (pass --out=PATH to keep it)",
    );
  }
}
