/**
 * Benchmark: a FISTA solve of a 100-patch batch at λ = 20 with a 256×256 unit-norm dictionary
 * (`lib/sparse/lasso.ts` `solveLasso`, protocol §1.8), stock wasm kernels vs OpenBLAS. Two cases:
 *
 * - "planted, tol 1e-3": y = A·z* + noise with 10% non-zero z* ~ N(0, 30²), stopping rule of the paper
 *   (relative change ≤ 1e-3 or 500 iterations); the iteration count is recorded.
 * - "500 iterations": tol = −1 (never met), so every solve runs the full cap; gives the per-iteration cost.
 *
 * Usage: `deno run -A bench/fista_batch.ts [--quick] [--iterations=N] [--kernel=stock|fallback|fast|webgpu]
 * [--python=/usr/bin/python3]` (with `--python`, each case also in PyTorch, `_torch.ts`).
 * Writes `results/bench/fista_batch.json`.
 *
 * @module
 */
import { tf } from "../lib/tensor/tf.ts";
import { Rng } from "../lib/tensor/rng.ts";
import { solveLasso } from "../lib/sparse/lasso.ts";
import {
  type BenchFlags,
  benchKernels,
  type BenchResult,
  type CaseSide,
  environment,
  type KernelChoice,
  parseFlags,
  printTimings,
  timeCase,
  type Timing,
  useKernels,
  writeResult,
} from "./_harness.ts";
import { productProfile } from "./flops.ts";

const D = 256, K = 256, B = 100, LAMBDA = 20;

/** A unit-norm dictionary [D, K] and a planted batch Y [B, D] (as plain arrays, so every backend can upload them). */
export function fistaProblem(seed = 0): { a: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const a = rng.fork("dictionary").normalArray(D * K);
  for (let k = 0; k < K; k++) {
    let n = 0;
    for (let d = 0; d < D; d++) n += a[d * K + k] ** 2;
    for (let d = 0; d < D; d++) a[d * K + k] /= Math.sqrt(n);
  }
  const codes = rng.fork("codes");
  const z = new Float32Array(B * K).map(() => (codes.next() < 0.1 ? 30 * codes.normal() : 0));
  const noise = rng.fork("noise");
  const y = new Float32Array(B * D);
  for (let b = 0; b < B; b++) {
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[d * K + k] * z[b * K + k];
      y[b * D + d] = s + noise.normal();
    }
  }
  return { a, y };
}

/** Run the benchmark and return its result. */
export async function benchFistaBatch(flags: BenchFlags): Promise<BenchResult> {
  const notes = [
    `B = ${B}, D = K = ${D}, λ = ${LAMBDA}, unit-norm A; wall time of solveLasso (incl. Lipschitz power ` +
    `iteration), median of ${flags.iterations} solves after 2 warm-up; 2 shared cores, noisy`,
  ];
  const { kernels, torch } = await benchKernels(flags, notes);
  const problem = fistaProblem();
  const timings: Timing[] = [];
  try {
    for (const [name, tol] of [["planted, tol 1e-3", 1e-3], ["500 iterations", -1]] as const) {
      let iterations = 0;
      // each side solves on tensors of its own kernel's backend
      const make = (kernel: KernelChoice): CaseSide => {
        if (kernel === "pytorch") return torch!.side("fista_batch", name);
        const a = tf.tensor2d(problem.a, [D, K]), y = tf.tensor2d(problem.y, [B, D]);
        return {
          step: async () => {
            const { codes, itstats } = await solveLasso(y, a, { tau: LAMBDA, maxIter: 500, tol });
            iterations = itstats.iterations;
            codes.dispose();
          },
          dispose: () => tf.dispose([a, y]),
        };
      };
      const n = flags.quick ? 3 : flags.iterations;
      for (const { kernel, timing, side } of await timeCase(name, kernels, make, () => ({ iterations: n }))) {
        if (kernel !== "pytorch") {
          await useKernels(kernel);
          const products = await productProfile(side.step, n); // its last solve sets `iterations` for this kernel
          timing.flops = products.flops;
          timing.extra = {
            ...timing.extra,
            fistaIterations: iterations,
            msPerIteration: Math.round((timing.medianMs / iterations) * 1000) / 1000,
            ...products.extra,
          };
        }
        timings.push(timing);
        await side.dispose();
      }
    }
  } finally {
    await torch?.close();
  }
  return {
    name: "fista_batch",
    description: "batched FISTA solve (solveLasso)",
    env: environment(),
    notes,
    timings,
  };
}

if (import.meta.main) {
  const result = await benchFistaBatch(parseFlags(Deno.args));
  printTimings(result);
  console.log(`wrote ${await writeResult(result)}`);
}
