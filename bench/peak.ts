/**
 * The machine's practical float32 peak, measured: the best of 5 OpenBLAS `sgemm` products of 2048×2048 matrices
 * on every core (17.2 GFLOP each, large enough to run at the BLAS's full rate). The fraction of peak that
 * `bench/run.ts` prints for each case is its counted product rate (`flops.ts`) over this number. Without
 * OpenBLAS nothing is measured and the fraction is left out.
 *
 * Usage: `deno run -A bench/peak.ts`; writes `results/bench/peak.json`.
 *
 * @module
 */
import { openOpenBlas } from "../lib/tensor/blas/openblas.ts";
import { type BenchResult, environment, writeResult } from "./_harness.ts";

const N = 2048;

/** GFLOP/s of the best of `repeats` N×N×N products, or null without OpenBLAS. */
export function measurePeak(repeats = 5): { gflops: number; threads: number } | null {
  const blas = openOpenBlas({ threads: navigator.hardwareConcurrency });
  if (blas === null) return null;
  blas.setThreads(navigator.hardwareConcurrency);
  const [a, b, c] = [0, 1, 2].map(() => new Float32Array(N * N).map((_, i) => (i % 7) / 7 - 0.5));
  const ptr = (x: Float32Array) => Deno.UnsafePointer.of(x as Float32Array<ArrayBuffer>);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    blas.sgemm(false, false, N, N, N, 1, ptr(a), N, ptr(b), N, 0, ptr(c), N);
    best = Math.min(best, performance.now() - t0);
  }
  return { gflops: (2 * N ** 3) / (best * 1e6), threads: blas.threads };
}

if (import.meta.main) {
  const peak = measurePeak();
  const result: BenchResult = {
    name: "peak",
    description: "practical float32 peak: best of 5 OpenBLAS sgemm 2048³ on every core",
    env: environment(),
    notes: peak === null
      ? ["not measured: OpenBLAS not found (fractions of peak are left out)"]
      : [`${peak.gflops.toFixed(1)} GFLOP/s with ${peak.threads} threads`],
    timings: peak === null ? [] : [{
      case: "sgemm 2048³",
      kernel: "fast",
      medianMs: (2 * N ** 3) / (peak.gflops * 1e6),
      p10Ms: (2 * N ** 3) / (peak.gflops * 1e6),
      p90Ms: (2 * N ** 3) / (peak.gflops * 1e6),
      iterations: 5,
      warmup: 0,
      flops: 2 * N ** 3,
    }],
  };
  console.log(result.notes[0]);
  console.log(`wrote ${await writeResult(result)}`);
}
