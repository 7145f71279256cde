/**
 * The optimizer's share of the linear train steps: for each method at J = 1 and 20, the step's median wall time
 * (`bench/linear_step.ts`'s step: the paper's shapes, seed 1) and the time of its Nesterov update
 * (`NesterovMomentum.apply`, one SIMD pass over the 1.44 M encoder parameters and their momenta) timed inside as
 * many further steps (`timeCallsInPlace`), median and 10th percentile. It bounds what fusing the rest of a step
 * could buy: the update is work a fused step would still do.
 *
 * Usage: `deno run -A bench/optimizer_in_place.ts [--kernel=fast|fallback|stock] [--iterations=N] [--quick]`
 * (default fast, 100 after 20 untimed); prints a table, writes nothing.
 *
 * @module
 */
import { NesterovMomentum } from "../lib/tensor/momentum.ts";
import { VARIATIONAL_METHODS } from "../lib/vsc/methods.ts";
import { parseFlags, timeCallsInPlace, timeIt, useKernels } from "./_harness.ts";
import { stepOf } from "./linear_step.ts";

const WARMUP_STEPS = 20;

if (import.meta.main) {
  const flags = parseFlags(Deno.args);
  const kernel = flags.kernel ?? "fast";
  const iterations = Deno.args.some((a) => a.startsWith("--iterations=")) ? flags.iterations : 100;
  console.log(
    `kernels: ${await useKernels(kernel)}; ${iterations} steps after ${WARMUP_STEPS}, medians (p10) in ms`,
  );
  console.log(`${"case".padEnd(26)} ${"step".padStart(15)} ${"update".padStart(13)}  update/step`);
  for (const J of [1, 20]) {
    for (const method of flags.quick ? ["gaussian", "thr_laplacian_gamma"] as const : VARIATIONAL_METHODS) {
      const side = stepOf(method, J);
      try {
        const step = await timeIt({ case: `${method} J=${J}`, kernel }, side.step, {
          warmup: WARMUP_STEPS,
          iterations,
        });
        const update = await timeCallsInPlace(side.step, iterations, NesterovMomentum.prototype, "apply");
        console.log(
          `${`${method} J=${J}`.padEnd(26)} ${step.medianMs.toFixed(2).padStart(7)} (${
            step.p10Ms.toFixed(2).padStart(6)
          }) ${update.medianMs.toFixed(2).padStart(5)} (${update.p10Ms.toFixed(2).padStart(5)})  ${
            (update.medianMs / step.medianMs).toFixed(3).padStart(11)
          }`,
        );
      } finally {
        await side.dispose();
      }
    }
  }
}
