/**
 * Benchmark: one training iteration of the linear-generator experiment (`LinearVsc.trainStep`, protocol §1.2–1.5,
 * 2.7) at the paper's shapes — 16×16 patches, 256 atoms, B = 100, encoder MLP 256→512→1024→512→256 with the
 * method's heads, J samples decoded by A, pixel-mean MSE + 0.01·ΣKL with max selection, SGD Nesterov 0.9, then
 * the dictionary step — for the seven variational methods at J = 1 and J = 20, stock wasm kernels vs OpenBLAS.
 *
 * Usage: `deno run -A bench/linear_step.ts [--quick] [--iterations=N] [--kernel=stock|fallback|fast|webgpu]
 * [--python=/usr/bin/python3]` (with `--python`, each case also in PyTorch, `_torch.ts`).
 * Writes `results/bench/linear_step.json`.
 *
 * @module
 */
import { tf } from "../lib/tensor/tf.ts";
import { Rng } from "../lib/tensor/rng.ts";
import { readScalars } from "../lib/tensor/readback.ts";
import { LinearVsc } from "../lib/vsc/linear_vsc.ts";
import { VARIATIONAL_METHODS, type VariationalMethod } from "../lib/vsc/methods.ts";
import { modelConfigOf, trainLinearDefaults } from "../stages/train_linear/params.ts";
import {
  type BenchFlags,
  benchKernels,
  type BenchResult,
  type CaseSide,
  environment,
  parseFlags,
  printTimings,
  timeCase,
  type Timing,
  useKernels,
  writeResult,
} from "./_harness.ts";
import { productProfile } from "./flops.ts";

/**
 * Untimed steps before the timed ones (PyTorch's side too, when timed: `bench/_torch.ts`): training runs
 * thousands of steps, so the bench times the steady state, after the JIT has compiled the host loops.
 */
export const WARMUP_STEPS = 10;

/** The stock kernel's steps are ~0.6 s each: it is timed on this many at most, after one warm-up. */
export const STOCK_ITERATIONS = 5;

/**
 * A fresh paper model for `method` and J on the active backend, its batch and noise stream (the same for every
 * kernel: seed 1), and its train step, which ends with the read a training loop makes each epoch, so that its
 * device work is finished.
 */
export function stepOf(method: VariationalMethod, J: number): CaseSide {
  const rng = new Rng(1);
  const model = paperModel(method, J);
  const x = patchBatch(rng.fork("data"));
  const stepRng = rng.fork("noise");
  return {
    step: async () => {
      const stats = await model.trainStep(x, stepRng);
      await readScalars([stats.loss, stats.nonzero]);
      tf.dispose([stats.loss, stats.nonzero]);
    },
    dispose: () => {
      x.dispose();
      model.dispose();
    },
  };
}

/** Paper shapes: 16×16 patches, batch 100, 800 iterations per epoch, 300 epochs. */
export const PATCH_DIM = 256;
export const BATCH = 100;

/** A LinearVsc with the paper's defaults for `method` and J samples. */
export function paperModel(method: VariationalMethod, samples: number, seed = 0): LinearVsc {
  const params = { ...trainLinearDefaults, method, samples };
  return new LinearVsc(modelConfigOf(params, PATCH_DIM, 800), new Rng(seed).fork("model"));
}

/** A batch of B patches with the variance of whitened natural-image patches (0.1). */
export function patchBatch(rng: Rng, batch = BATCH): tf.Tensor2D {
  const v = rng.normalArray(batch * PATCH_DIM).map((x) => x * Math.sqrt(0.1));
  return tf.tensor2d(v, [batch, PATCH_DIM]);
}

/** Run the benchmark and return its result (also used by `bench/run.ts`). */
export async function benchLinearStep(flags: BenchFlags): Promise<BenchResult> {
  const notes = [
    `B = ${BATCH}, D = K = ${PATCH_DIM}, encoder 256→512→1024→512→256 + heads; wall time of LinearVsc.trainStep ` +
    `(encoder step + dictionary step), median of ${flags.iterations} iterations after ${WARMUP_STEPS} warm-up ` +
    `(stock: ${Math.min(flags.iterations, STOCK_ITERATIONS)} after 1); 2 shared cores, noisy`,
  ];
  const { kernels, torch } = await benchKernels(flags, notes);
  const methods: readonly VariationalMethod[] = flags.quick
    ? ["gaussian", "thr_laplacian_gamma"]
    : VARIATIONAL_METHODS;
  const timings: Timing[] = [];
  try {
    for (const J of [1, 20]) {
      for (const method of methods) {
        const caseName = `${method} J=${J}`;
        const runs = await timeCase(
          caseName,
          kernels,
          (kernel) => (kernel === "pytorch" ? torch!.side("linear_step", caseName) : stepOf(method, J)),
          (kernel) =>
            kernel === "stock"
              ? { iterations: Math.min(flags.iterations, STOCK_ITERATIONS), warmup: 1 }
              : { iterations: flags.iterations, warmup: WARMUP_STEPS },
        );
        for (const { kernel, timing, side } of runs) {
          if (kernel !== "pytorch") {
            await useKernels(kernel);
            const products = await productProfile(side.step, flags.iterations);
            timing.flops = products.flops;
            timing.extra = { ...timing.extra, ...products.extra };
          }
          timings.push(timing);
          await side.dispose();
        }
      }
    }
  } finally {
    await torch?.close();
  }
  return {
    name: "linear_step",
    description: "linear-experiment train step (LinearVsc.trainStep)",
    env: environment(),
    notes,
    timings,
  };
}

if (import.meta.main) {
  const result = await benchLinearStep(parseFlags(Deno.args));
  printTimings(result);
  console.log(`wrote ${await writeResult(result)}`);
}
