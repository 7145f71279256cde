/**
 * Benchmark: one training step of the conv VSC models of protocol §3.1–3.2 (`ConvVsc.trainStep`: conv encoder with
 * BatchNorm, latent layer, J decoded samples through the transposed-conv decoder with BatchNorm, max-ELBO
 * objective, Adam), stock wasm kernels vs OpenBLAS:
 *
 * - Fashion-MNIST: 1×28×28, z = 64, J = 20, batch 16 (320 decoded images per step);
 * - CelebA: 3×64×64, z = 64, J = 10, batch 4 (40 decoded images per step).
 *
 * Why such small batches: in `ConvVsc` on wasm the heap needed grows with the decoded images (measured here:
 * ~2.6 GB at FMNIST B = 16, J = 20; ~1.7 GB at CelebA B = 4, J = 10), and the wasm heap is capped at 4 GiB —
 * FMNIST B = 32, J = 20 already fails with `RuntimeError: memory access out of bounds` (stock and fast kernels
 * alike), so the paper's B = 512 (10,240 decoded images) and CelebA B = 100 cannot run on wasm. PyTorch is timed
 * at these batches, and with `--paper` at the paper's too (`bench/torch/steps.py`).
 *
 * Method: thresholded Laplacian at 10% sparsity (λ = 0.23); the latent layer is a small part of the cost.
 *
 * Usage: `deno run -A bench/conv_step.ts [--quick] [--iterations=N] [--kernel=stock|fallback|fast|webgpu]
 * [--python=/usr/bin/python3 [--paper]]` (with `--python`, each case also in PyTorch, `_torch.ts`; with `--paper`
 * also PyTorch's steps at the paper's batches).
 * Writes `results/bench/conv_step.json`.
 *
 * @module
 */
import { tf } from "../lib/tensor/tf.ts";
import { Rng } from "../lib/tensor/rng.ts";
import { readScalars } from "../lib/tensor/readback.ts";
import { ConvVsc, defaultConvVscConfig } from "../lib/vsc/conv/mod.ts";
import { latentSpecFor } from "../lib/vsc/methods.ts";
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

/** The two cases: dataset, image shape [H, W, C], batch, J. */
export const CONV_CASES = [
  { dataset: "fashion_mnist", image: [28, 28, 1], batch: 16, samples: 20 },
  { dataset: "celeba", image: [64, 64, 3], batch: 4, samples: 10 },
] as const;

/**
 * The stock and fallback kernels take 0.3–5 s a step here: they are timed on this many steps at most, so that
 * the run stays bounded (the fallback on one per block of its alternation with the fast kernel).
 */
const SLOW_ITERATIONS: Partial<Record<KernelChoice, number>> = { stock: 3, fallback: 5 };

/** The paper's batches (`--paper` with PyTorch): FMNIST 512 with J = 20, CelebA 100 with J = 10. */
const PAPER_CASES = ["fashion_mnist B=512 J=20", "celeba B=100 J=10"];

/** Run the benchmark and return its result. */
export async function benchConvStep(flags: BenchFlags): Promise<BenchResult> {
  const iterations = flags.quick ? 2 : flags.iterations;
  const notes = [
    "ConvVsc.trainStep, thr_laplacian (λ = 0.23), z = 64; FMNIST batch 16 J = 20, CelebA batch 4 J = 10 (larger batches exceed the 4 GiB wasm heap; paper: 512 and 500); " +
    `median of ${iterations} steps after 1 warm-up (stock and fallback: see iterations per row); 2 shared cores, noisy`,
  ];
  const { kernels, torch } = await benchKernels(flags, notes);
  const spec = latentSpecFor("thr_laplacian", {
    lambdaGaussian: 0.52,
    lambdaLaplace: 0.23,
    spikePrior: 0.1,
    estimator: "straight",
  });
  const timings: Timing[] = [];
  try {
    for (const c of CONV_CASES) {
      const [h, w, ch] = c.image;
      const caseName = `${c.dataset} B=${c.batch} J=${c.samples}`;
      // each side: its own model, batch and noise stream from seed 3, on its kernel's backend
      const make = (kernel: KernelChoice): CaseSide => {
        if (kernel === "pytorch") return torch!.side("conv_step", caseName);
        const rng = new Rng(3);
        const config = {
          ...defaultConvVscConfig(c.dataset, spec, 64),
          samples: c.samples,
          totalIterations: 1000,
        };
        const model = new ConvVsc(config, rng.fork("model"));
        const x = tf.tensor4d(rng.fork("data").uniformArray(c.batch * h * w * ch), [c.batch, h, w, ch]);
        const stepRng = rng.fork("noise");
        return {
          // The step ends with reading its loss, so its device work is finished.
          step: async () => {
            const { loss } = model.trainStep(x, stepRng);
            await readScalars([loss]);
            loss.dispose();
          },
          dispose: () => {
            x.dispose();
            model.dispose();
          },
        };
      };
      const runs = await timeCase(caseName, kernels, make, (kernel) => ({
        iterations: Math.min(iterations, SLOW_ITERATIONS[kernel] ?? iterations),
        warmup: 1,
      }));
      for (const { kernel, timing, side } of runs) {
        if (kernel !== "pytorch") {
          await useKernels(kernel);
          // No replay of the products: it would allocate every call's operands again beside the model, whose
          // step already needs ~2.6 GB of the 4 GiB heap at FMNIST B = 16.
          const products = await productProfile(side.step, timing.iterations, { replay: false });
          timing.flops = products.flops;
          timing.extra = { ...timing.extra, ...products.extra };
        }
        timings.push(timing);
        await side.dispose();
      }
    }
    if (flags.paper && torch) {
      // The paper's batches, in PyTorch only (they exceed the wasm heap): one step each, minutes on 2 cores.
      for (const caseName of PAPER_CASES) {
        const [run] = await timeCase(caseName, ["pytorch"], () => torch.side("conv_step", caseName), () => ({
          iterations: 1,
          warmup: 0,
        }));
        timings.push(run.timing);
        await run.side.dispose();
      }
    }
  } finally {
    await torch?.close();
  }
  return {
    name: "conv_step",
    description: "conv VSC train step (ConvVsc.trainStep)",
    env: environment(),
    notes,
    timings,
  };
}

if (import.meta.main) {
  const result = await benchConvStep(parseFlags(Deno.args));
  printTimings(result);
  console.log(`wrote ${await writeResult(result)}`);
}
