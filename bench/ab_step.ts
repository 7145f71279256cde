/**
 * Interleaved A/B of one training step between this checkout and another one: rounds alternate a block of steps
 * of each version, each block in a fresh process of its own checkout (`deno eval` in that checkout's root, so it
 * loads its own `lib/` and its own kernels), the order swapped every round (ABBA…), so the machine's drift (this
 * one's speed moves by 10–40% between hours) falls on both alike.
 *
 * Why separate processes: an earlier version ran both sides in one process, and the side it imported second never
 * saw the fast kernels registered by the first — module-level state (the kernels' marker, the registered BLAS)
 * is per module instance — so its encoder fell back to tfjs ops and both sides used the first side's product
 * kernels: a ~15% bias toward this checkout whichever code it held (measured 2026-12-03: 0.86 and 0.83 with the
 * roles swapped).
 *
 * Usage: `deno run -A bench/ab_step.ts --base=/path/to/other/checkout [--rounds=10] [--block=20] [--warmup=10]
 * method J` (make the other checkout with `git worktree add /tmp/base <commit>` and link its `node_modules`).
 * Prints the median and mean step of each side and their ratios (this checkout over the base); writes nothing.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { VARIATIONAL_METHODS, type VariationalMethod } from "../lib/vsc/methods.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string" },
    rounds: { type: "string", default: "10" },
    block: { type: "string", default: "20" },
    warmup: { type: "string", default: "10" },
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

/**
 * The step times of one block, from a fresh process in `root`: the bench's paper-shaped model, a fixed batch and
 * its noise stream (as `bench/linear_step.ts` sets them up), `warmup` untimed steps, then `block` timed ones.
 */
async function block(root: string): Promise<number[]> {
  const code = `
    import { tf } from "./lib/tensor/tf.ts";
    import { Rng } from "./lib/tensor/rng.ts";
    import { useKernels } from "./bench/_harness.ts";
    import { paperModel, patchBatch } from "./bench/linear_step.ts";
    await useKernels("fast");
    const rng = new Rng(1);
    const model = paperModel(${JSON.stringify(method)}, ${samples});
    const x = patchBatch(rng.fork("data")), noise = rng.fork("noise");
    const times = [];
    for (let i = 0; i < ${Number(values.warmup)} + ${Number(values.block)}; i++) {
      const t0 = performance.now();
      const stats = await model.trainStep(x, noise);
      await stats.loss.data();
      if (i >= ${Number(values.warmup)}) times.push(performance.now() - t0);
      tf.dispose([stats.loss, stats.nonzero]);
    }
    console.log(JSON.stringify(times));`;
  const { code: exit, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: root,
  }).output();
  const text = new TextDecoder().decode(stdout).trim().split("\n").at(-1) ?? "";
  if (exit !== 0 || !text.startsWith("[")) {
    throw new Error(
      `Cannot run the A/B: a block in ${root} failed: ${
        new TextDecoder().decode(stderr).trim().split("\n").at(-1)
      }`,
    );
  }
  return JSON.parse(text);
}

const here = resolve(fileURLToPath(new URL("..", import.meta.url)));
const sides = { base: resolve(values.base), here };
const times: Record<keyof typeof sides, number[]> = { base: [], here: [] };
for (let r = 0; r < Number(values.rounds); r++) {
  const order: (keyof typeof sides)[] = r % 2 === 0 ? ["base", "here"] : ["here", "base"];
  for (const side of order) times[side].push(...await block(sides[side]));
}
const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
console.log(
  `${method} J=${samples}: base median ${median(times.base).toFixed(2)} ms, this ${
    median(times.here).toFixed(2)
  } ms ` +
    `(this/base ${(median(times.here) / median(times.base)).toFixed(3)}; means ${
      (mean(times.here) / mean(times.base)).toFixed(3)
    })`,
);
