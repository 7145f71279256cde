/**
 * Benchmark: peak resident memory of a linear-experiment training run — 200 `LinearVsc.trainStep` iterations
 * (thresholded Laplacian + Gamma, J = 20, B = 100, paper shapes; the heaviest linear case) on wasm with the
 * fast kernels where available. `Deno.memoryUsage().rss` is sampled after every step; the wasm heap size and
 * the tensor count are recorded too. `bench/run.ts` also runs this module under `/usr/bin/time -v` when that
 * exists, for the kernel's own "Maximum resident set size".
 *
 * Usage: `deno run -A bench/memory.ts [--quick]`. Writes `results/bench/memory.json`.
 *
 * @module
 */
import { tf } from "../lib/tensor/tf.ts";
import { Rng } from "../lib/tensor/rng.ts";
import { type BenchResult, environment, parseFlags, useKernels, writeResult } from "./_harness.ts";
import { paperModel, patchBatch } from "./linear_step.ts";

const MB = 1024 * 1024;

/** Run the memory benchmark and return its result. */
export async function benchMemory(steps: number): Promise<BenchResult> {
  const kernelInfo = await useKernels("fast");
  const rng = new Rng(5);
  const model = paperModel("thr_laplacian_gamma", 20);
  const rssStart = Deno.memoryUsage().rss;
  let peak = rssStart;
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const x = patchBatch(rng.fork(`batch${i % 800}`)); // a fresh batch per step, as in training
    tf.dispose(Object.values(await model.trainStep(x, rng)));
    x.dispose();
    peak = Math.max(peak, Deno.memoryUsage().rss);
  }
  const seconds = (performance.now() - t0) / 1000;
  const tensorsAfter = tf.memory().numTensors;
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0;
  model.dispose();
  return {
    name: "memory",
    description: "peak RSS of a 200-step linear training run",
    env: environment(),
    notes: [`thr_laplacian_gamma, J = 20, B = 100, ${steps} steps, kernels: ${kernelInfo}`],
    timings: [{
      case: `${steps} train steps`,
      kernel: kernelInfo.startsWith("openblas")
        ? "fast"
        : kernelInfo.startsWith("built-in wasm-simd") || kernelInfo.startsWith("fallback")
        ? "fallback"
        : "stock",
      kernelInfo,
      medianMs: Math.round((seconds * 1000 / steps) * 1000) / 1000,
      p10Ms: NaN,
      p90Ms: NaN,
      iterations: steps,
      warmup: 0,
      numTensorsBefore: tensorsBefore,
      numTensorsAfter: tensorsAfter,
      extra: {
        rssStartMiB: Math.round(rssStart / MB),
        rssPeakMiB: Math.round(peak / MB),
        wasmHeapMiB: Math.round(heap / MB),
        totalSeconds: Math.round(seconds * 10) / 10,
      },
    }],
  };
}

if (import.meta.main) {
  const flags = parseFlags(Deno.args);
  const result = await benchMemory(flags.quick ? 30 : 200);
  const e = result.timings[0].extra!;
  console.log(
    `memory  peak RSS ${e.rssPeakMiB} MiB (start ${e.rssStartMiB} MiB, wasm heap ${e.wasmHeapMiB} MiB), ` +
      `${result.timings[0].medianMs} ms/step, tensors ${result.timings[0].numTensorsBefore}→${
        result.timings[0].numTensorsAfter
      }`,
  );
  console.log(`wrote ${await writeResult(result)}`);
}
