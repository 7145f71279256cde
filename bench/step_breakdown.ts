/**
 * Where a linear train step's time goes, measured inside the steps: for each method at J = 1 and 20
 * (`bench/linear_step.ts`'s step: the paper's shapes, seed 1), over 100 steps after 20, each step's wall time and
 * its parts, timed call by call and summed per step (every part runs synchronously on the calling thread, so
 * wall time is its cost); medians over the steps:
 * - **products**: every sgemm call (`fastBlas().sgemm`), the helper thread's half included;
 * - **update**: the optimizer's Nesterov pass (`NesterovMomentum.apply`: one SIMD pass over the 1.44 M encoder
 *   parameters and their momenta), work that a step fused by hand would still do;
 * - **kernels**: the work of tfjs's registered wasm kernels (each `kernelFunc`), less the products inside them;
 * - **dispatch**: tfjs's engine around those kernels (`engine.runKernel` less its `kernelFunc`: the tape, the
 *   tensor bookkeeping, the kernel lookup); the ops' own JavaScript before `runKernel` is not in it;
 * - **custom**: our `tf.customGrad` ops' forward and backward functions (the fused encoder, latent layer, KL and
 * objective: their host loops and JavaScript, and the Gamma draws inside the latent op; the other noise is drawn
 * before it), less the kernels and products run inside them;
 * - **host**: the rest of the step, which this cannot split: tfjs's JavaScript outside `runKernel` (the ops'
 *   wrappers, tidy scopes, the custom-gradient plumbing, the gradient tape's walk) and our code outside the
 *   custom ops (the model's step, the noise drawn before the latent op, host passes such as the non-zero
 *   fraction, the dictionary step's loops).
 * It also counts the outermost `runKernel` calls a step makes (its dispatches). "host" is computed per step (the
 * step less its parts) before its median is taken, so the columns' medians need not add up exactly; each timed
 * call costs ~0.1 µs more.
 *
 * Usage: `deno run -A bench/step_breakdown.ts [--kernel=fast|fallback] [--iterations=N] [--quick]` (default fast,
 * 100 steps after 20); prints a table and writes `results/bench/step_breakdown.json` (each case's step times
 * as a timing, its parts' medians in `extra`).
 *
 * @module
 */
import { tf } from "../lib/tensor/tf.ts";
import { fastBlas } from "../lib/tensor/kernels.ts";
import { NesterovMomentum } from "../lib/tensor/momentum.ts";
import { VARIATIONAL_METHODS } from "../lib/vsc/methods.ts";
import {
  type Depth,
  environment,
  msStats,
  parseFlags,
  type Step,
  timedCalls,
  type Timing,
  timingOf,
  useKernels,
  withReplaced,
  writeResult,
} from "./_harness.ts";
import { stepOf } from "./linear_step.ts";

const WARMUP_STEPS = 20;
const PARTS = ["products", "update", "kernels", "dispatch", "custom"] as const;
type Part = (typeof PARTS)[number];
type Fn = (...args: never[]) => unknown;
/** What a breakdown reports per case: the step's wall time, the parts, the rest ("host") and the dispatches. */
type Column = "step" | Part | "host" | "dispatches";

/** Run `body` with every `[target, key, wrap]` of `replacements` in place (`withReplaced`, nested). */
async function withAllReplaced(
  replacements: [object, string, (original: Fn) => Fn][],
  body: () => unknown,
): Promise<void> {
  const [first, ...rest] = replacements;
  if (!first) {
    await body();
    return;
  }
  const [target, key, wrap] = first as [Record<string, Fn>, string, (original: Fn) => Fn];
  await withReplaced(target, key, wrap, () => withAllReplaced(rest, body));
}

/**
 * `iterations` calls of `step` with the parts above timed: median per step of each, in ms (`kernels` net of the
 * products run inside kernels, `dispatch` = `runKernel` less `kernelFunc`, `custom` net of the kernels and
 * products run inside those functions), and of the number of (outermost) `runKernel` calls, `dispatches`; and
 * the steps' wall times.
 */
async function breakdown(
  step: Step,
  iterations: number,
): Promise<{ medians: Record<Column, number>; stepMs: number[] }> {
  const blas = fastBlas();
  if (blas === null) {
    throw new TypeError("Cannot break the step down: the fast kernels (sgemm calls) are not active");
  }
  const sums = {
    products: 0,
    productsInKernels: 0,
    update: 0,
    kernelFunc: 0,
    runKernel: 0,
    dispatches: 0,
    custom: 0,
  };
  const series: Record<Column, number[]> = {
    step: [],
    host: [],
    products: [],
    update: [],
    kernels: [],
    dispatch: [],
    custom: [],
    dispatches: [],
  };
  const inKernel: Depth = { n: 0 };
  const inCustom: Depth = { n: 0 };
  // Time spent in tfjs kernels and in products outside them, so far: what a custom function's time is net of.
  const nested = () => sums.runKernel + sums.products - sums.productsInKernels;
  // A custom-gradient op's forward or backward function, timed net of the kernels and products it runs.
  const custom = <F extends Fn>(f: F): F =>
    function (this: unknown, ...args: Parameters<F>) {
      if (inCustom.n > 0) return f.apply(this, args);
      const t0 = performance.now(), before = nested();
      inCustom.n++;
      try {
        return f.apply(this, args);
      } finally {
        inCustom.n--;
        sums.custom += performance.now() - t0 - (nested() - before);
      }
    } as unknown as F;
  await withAllReplaced([
    // Every registered kernel of the backend (the engine looks each up in the registry at every call).
    ...tf.getKernelsForBackend(tf.getBackend()).map((k): [object, string, (f: Fn) => Fn] => [
      k,
      "kernelFunc",
      (f) => timedCalls(f, inKernel, (ms) => (sums.kernelFunc += ms)),
    ]),
    [blas, "sgemm", (sgemm) =>
      timedCalls(sgemm, { n: 0 }, (ms) => {
        sums.products += ms;
        if (inKernel.n > 0) sums.productsInKernels += ms;
      })],
    [
      NesterovMomentum.prototype,
      "apply",
      (apply) => timedCalls(apply, { n: 0 }, (ms) => (sums.update += ms)),
    ],
    [tf.engine(), "runKernel", (run) =>
      timedCalls(run, { n: 0 }, (ms) => {
        sums.runKernel += ms;
        sums.dispatches++;
      })],
    // tf.customGrad ops reach the engine as runKernelFunc({ forwardFunc, backwardsFunc, inputs }).
    [
      tf.engine(),
      "runKernelFunc",
      (run) =>
        function (this: unknown, params: { forwardFunc?: Fn; backwardsFunc?: Fn }) {
          const own = params.forwardFunc === undefined ? params : {
            ...params,
            forwardFunc: custom(params.forwardFunc),
            backwardsFunc: params.backwardsFunc && custom(params.backwardsFunc),
          };
          return (run as unknown as (p: unknown) => unknown).call(this, own);
        } as unknown as Fn,
    ],
  ], async () => {
    for (let i = 0; i < iterations; i++) {
      for (const k of Object.keys(sums) as (keyof typeof sums)[]) sums[k] = 0;
      const t0 = performance.now();
      await step();
      const wall = performance.now() - t0;
      const parts: Record<Part, number> = {
        products: sums.products,
        update: sums.update,
        kernels: sums.kernelFunc - sums.productsInKernels,
        dispatch: sums.runKernel - sums.kernelFunc,
        custom: sums.custom,
      };
      for (const p of PARTS) series[p].push(parts[p]);
      series.step.push(wall);
      series.host.push(wall - PARTS.reduce((s, p) => s + parts[p], 0));
      series.dispatches.push(sums.dispatches);
    }
  });
  const medians = Object.fromEntries(
    (Object.keys(series) as Column[]).map((c) => [c, msStats(series[c]).medianMs]),
  ) as Record<Column, number>;
  return { medians, stepMs: series.step };
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
  const kernelInfo = await useKernels(kernel);
  console.log(`kernels: ${kernelInfo}; ${iterations} steps after ${WARMUP_STEPS}; medians in ms`);
  const columns: Column[] = ["step", ...PARTS, "host", "dispatches"];
  console.log(`${"case".padEnd(26)} ${columns.map((c) => c.padStart(10)).join(" ")}`);
  const timings: Timing[] = [];
  for (const J of [1, 20]) {
    for (const method of flags.quick ? ["gaussian", "thr_laplacian_gamma"] as const : VARIATIONAL_METHODS) {
      const caseName = `${method} J=${J}`;
      const side = stepOf(method, J);
      try {
        for (let i = 0; i < WARMUP_STEPS; i++) await side.step();
        const numTensorsBefore = tf.memory().numTensors;
        const { medians, stepMs } = await breakdown(side.step, iterations);
        timings.push(timingOf({ case: caseName, kernel, kernelInfo }, stepMs, {
          iterations,
          warmup: WARMUP_STEPS,
          numTensorsBefore,
          numTensorsAfter: tf.memory().numTensors,
          extra: Object.fromEntries(
            columns.slice(1).map((c) => [c === "dispatches" ? c : `${c}Ms`, medians[c]]),
          ),
        }));
        const cells = columns.map((c) =>
          (c === "dispatches" ? String(medians[c]) : medians[c].toFixed(2)).padStart(10)
        );
        console.log(`${caseName.padEnd(26)} ${cells.join(" ")}`);
      } finally {
        await side.dispose();
      }
    }
  }
  const path = await writeResult({
    name: "step_breakdown",
    description: "where a linear train step's time goes, timed call by call inside the steps",
    env: environment(),
    notes: [
      `${iterations} steps per case after ${WARMUP_STEPS}, seed 1, the paper's shapes (bench/linear_step.ts)`,
      "medianMs, p10Ms, p90Ms: the steps' wall times; extra: medians per step of each part (bench/step_breakdown.ts " +
      "says what each times): productsMs (sgemm calls), updateMs (NesterovMomentum.apply), kernelsMs (tfjs wasm " +
      "kernels less the products inside), dispatchMs (runKernel less kernelFunc), customMs (our tf.customGrad ops' " +
      "functions, net of the kernels and products inside), hostMs (the step less those parts, per step), " +
      "dispatches (outermost runKernel calls a step); medians of parts need not add up to the step's",
    ],
    timings,
  });
  console.log(`wrote ${path}`);
}
