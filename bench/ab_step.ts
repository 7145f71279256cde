/**
 * Interleaved A/B of one training step between this checkout and another one, in one process: blocks of steps
 * of the two versions alternate, so the machine's drift (this one's speed moves by 10–30% between runs) falls
 * on both alike. Both load their own `lib/` (different files, so different modules) on the one tfjs backend.
 *
 * Usage: `deno run -A bench/ab_step.ts --base=/path/to/other/checkout [--rounds=20] [--block=10] method J`
 * (make the other checkout with `git worktree add /tmp/base <commit>` and link its `node_modules`). Prints the
 * median and mean step of each side and their ratios (this checkout over the base); writes nothing.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { tf } from "../lib/tensor/tf.ts";
import { Rng } from "../lib/tensor/rng.ts";
import { VARIATIONAL_METHODS, type VariationalMethod } from "../lib/vsc/methods.ts";
import { useKernels } from "./_harness.ts";
import * as here from "./linear_step.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string" },
    rounds: { type: "string", default: "20" },
    block: { type: "string", default: "10" },
  },
  allowPositionals: true,
});
const [method, samples] = [positionals[0] as VariationalMethod, Number(positionals[1] ?? 1)];
if (!values.base) throw new Error("Cannot run the A/B: --base=<other checkout> is missing");
if (!VARIATIONAL_METHODS.includes(method)) {
  throw new Error(
    `Cannot run the A/B: method must be one of ${VARIATIONAL_METHODS.join(", ")}, received ${method}`,
  );
}
const base: typeof here = await import(pathToFileURL(resolve(values.base, "bench/linear_step.ts")).href);
console.log(await useKernels("fast"));

/** One side: its model, a fixed batch and its noise stream, as bench/linear_step.ts sets them up. */
function side(module: typeof here) {
  const rng = new Rng(1);
  return {
    model: module.paperModel(method, samples),
    x: module.patchBatch(rng.fork("data")),
    noise: rng.fork("noise"),
  };
}
async function step(s: ReturnType<typeof side>, times?: number[]) {
  const t0 = performance.now();
  const stats = await s.model.trainStep(s.x, s.noise);
  await stats.loss.data();
  times?.push(performance.now() - t0);
  tf.dispose([stats.loss, stats.nonzero]);
}

const [a, b] = [side(base), side(here)];
const [timesA, timesB]: number[][] = [[], []];
for (let i = 0; i < 5; i++) await step(a), await step(b);
for (let r = 0; r < Number(values.rounds); r++) {
  for (let i = 0; i < Number(values.block); i++) await step(a, timesA);
  for (let i = 0; i < Number(values.block); i++) await step(b, timesB);
}
const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
console.log(
  `${method} J=${samples}: base median ${median(timesA).toFixed(2)} ms, this ${
    median(timesB).toFixed(2)
  } ms ` +
    `(this/base ${(median(timesB) / median(timesA)).toFixed(3)}; means ${
      (mean(timesB) / mean(timesA)).toFixed(3)
    })`,
);
