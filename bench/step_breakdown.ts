/**
 * Where a linear train step's time goes, measured inside the steps: for each method at J = 1 and 20
 * (`bench/linear_step.ts`'s step: the paper's shapes, seed 1), the step's median wall time and, timed call by
 * call inside as many further steps and summed per step (medians; every part runs synchronously on the calling
 * thread, so wall time is its cost):
 * - **products**: every sgemm call (`fastBlas().sgemm`), the helper thread's half included;
 * - **update**: the optimizer's Nesterov pass (`NesterovMomentum.apply`: one SIMD pass over the 1.44 M encoder
 *   parameters and their momenta), work that a step fused by hand would still do;
 * - **kernels**: the work of tfjs's registered wasm kernels (each `kernelFunc`), less the products inside them;
 * - **dispatch**: tfjs's engine around those kernels (`engine.runKernel` less its `kernelFunc`: the tape, the
 *   tensor bookkeeping, the kernel lookup); the ops' own JavaScript before `runKernel` is not in it;
 * - **host**: the rest of the step, which this cannot split: our host loops (the fused latent layer, KL and
 *   encoder ops, the noise and samplers) and tfjs's JavaScript outside `runKernel` (the ops' wrappers, tidy
 *   scopes, the custom-gradient calls, the gradient tape's walk).
 * It also counts the outermost `runKernel` calls a step makes (its dispatches).
 * The parts sum to the step only roughly: "host" is the step's median less the parts' medians, taken over other
 * steps (so on a noisy machine it can even come out negative), and each timed call costs ~0.1 µs more.
 *
 * Usage: `deno run -A bench/step_breakdown.ts [--kernel=fast|fallback] [--iterations=N] [--quick]` (default fast,
 * 100 steps after 20); prints a table, writes nothing.
 *
 * @module
 */
import { tf } from "../lib/tensor/tf.ts";
import { fastBlas } from "../lib/tensor/kernels.ts";
import { NesterovMomentum } from "../lib/tensor/momentum.ts";
import { VARIATIONAL_METHODS } from "../lib/vsc/methods.ts";
import {
  type Depth,
  msStats,
  parseFlags,
  type Step,
  timedCalls,
  timeIt,
  useKernels,
  withReplaced,
} from "./_harness.ts";
import { stepOf } from "./linear_step.ts";

const WARMUP_STEPS = 20;
const PARTS = ["products", "update", "kernels", "dispatch"] as const;
type Part = (typeof PARTS)[number];

/**
 * `iterations` calls of `step` with the parts above timed: median per step of each, in ms (`kernels` net of the
 * products run inside kernels, `dispatch` = `runKernel` less `kernelFunc`), and of the number of (outermost)
 * `runKernel` calls, `dispatches`.
 */
async function breakdown(step: Step, iterations: number): Promise<Record<Part | "dispatches", number>> {
  const blas = fastBlas();
  if (blas === null) {
    throw new TypeError("Cannot break the step down: the fast kernels (sgemm calls) are not active");
  }
  const sums = { products: 0, productsInKernels: 0, update: 0, kernelFunc: 0, runKernel: 0, dispatches: 0 };
  const series: Record<Part | "dispatches", number[]> = {
    products: [],
    update: [],
    kernels: [],
    dispatch: [],
    dispatches: [],
  };
  const inKernel: Depth = { n: 0 };
  const kernels = tf.getKernelsForBackend(tf.getBackend());
  const originals = kernels.map((k) => k.kernelFunc);
  kernels.forEach((
    k,
    i,
  ) => (k.kernelFunc = timedCalls(originals[i], inKernel, (ms) => (sums.kernelFunc += ms))));
  try {
    await withReplaced(blas, "sgemm", (sgemm) =>
      timedCalls(sgemm, { n: 0 }, (ms) => {
        sums.products += ms;
        if (inKernel.n > 0) sums.productsInKernels += ms;
      }), () =>
      withReplaced(
        NesterovMomentum.prototype,
        "apply",
        (apply) => timedCalls(apply, { n: 0 }, (ms) => (sums.update += ms)),
        () =>
          withReplaced(
            tf.engine(),
            "runKernel",
            (run) =>
              timedCalls(run, { n: 0 }, (ms) => {
                sums.runKernel += ms;
                sums.dispatches++;
              }),
            async () => {
              for (let i = 0; i < iterations; i++) {
                for (const k of Object.keys(sums) as (keyof typeof sums)[]) sums[k] = 0;
                await step();
                series.products.push(sums.products);
                series.update.push(sums.update);
                series.kernels.push(sums.kernelFunc - sums.productsInKernels);
                series.dispatch.push(sums.runKernel - sums.kernelFunc);
                series.dispatches.push(sums.dispatches);
              }
            },
          ),
      ));
  } finally {
    kernels.forEach((k, i) => (k.kernelFunc = originals[i]));
  }
  return Object.fromEntries(
    [...PARTS, "dispatches" as const].map((p) => [p, msStats(series[p]).medianMs]),
  ) as Record<Part | "dispatches", number>;
}

if (import.meta.main) {
  const flags = parseFlags(Deno.args);
  const kernel = flags.kernel ?? "fast";
  if (kernel !== "fast" && kernel !== "fallback") {
    console.error(
      `Cannot break the step down on --kernel=${kernel}: its products are not sgemm calls to time`,
    );
    Deno.exit(2);
  }
  const iterations = Deno.args.some((a) => a.startsWith("--iterations=")) ? flags.iterations : 100;
  console.log(
    `kernels: ${await useKernels(kernel)}; ${iterations} steps after ${WARMUP_STEPS}; medians in ms`,
  );
  const cols = ["step", ...PARTS, "host", "dispatches"];
  console.log(`${"case".padEnd(26)} ${cols.map((c) => c.padStart(9)).join(" ")}`);
  for (const J of [1, 20]) {
    for (const method of flags.quick ? ["gaussian", "thr_laplacian_gamma"] as const : VARIATIONAL_METHODS) {
      const side = stepOf(method, J);
      try {
        const { medianMs } = await timeIt({ case: `${method} J=${J}`, kernel }, side.step, {
          warmup: WARMUP_STEPS,
          iterations,
        });
        const parts = await breakdown(side.step, iterations);
        const host = medianMs - PARTS.reduce((s, p) => s + parts[p], 0);
        const cells = [medianMs, ...PARTS.map((p) => parts[p]), host].map((x) => x.toFixed(2).padStart(9));
        cells.push(String(parts.dispatches).padStart(10));
        console.log(`${`${method} J=${J}`.padEnd(26)} ${cells.join(" ")}`);
      } finally {
        await side.dispose();
      }
    }
  }
}
