/**
 * A fingerprint of training trajectories: for each variational method and J ∈ {1, 4}, `steps` training steps of
 * the bench's paper-shaped model on fresh random batches, then a SHA-256 of the dictionary and encoder bits.
 * Two checkouts (or two thread counts) print the same hashes exactly when their training arithmetic is
 * bit-identical — how a speed change that must not move results is checked. Hashes depend on the OpenBLAS
 * kernels (compare on one machine); the median step time is printed beside them, for orientation only.
 *
 * Usage: `deno run -A bench/trajectory_hash.ts [--steps=40] [--methods=gaussian,spike_slab] [--out=file.json]`
 * (`VSC_BLAS_THREADS=n` sets the product threads).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { tf } from "../lib/tensor/tf.ts";
import { Rng } from "../lib/tensor/rng.ts";
import { VARIATIONAL_METHODS, type VariationalMethod } from "../lib/vsc/methods.ts";
import { useKernels } from "./_harness.ts";
import { paperModel, patchBatch } from "./linear_step.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { steps: { type: "string", default: "40" }, methods: { type: "string" }, out: { type: "string" } },
});
const steps = Number(values.steps);
const methods = (values.methods?.split(",") ?? VARIATIONAL_METHODS) as VariationalMethod[];
for (const m of methods) {
  if (!VARIATIONAL_METHODS.includes(m)) {
    throw new Error(
      `Cannot hash trajectories: methods must be among ${VARIATIONAL_METHODS.join(", ")}, received ${m}`,
    );
  }
}
console.log(await useKernels("fast"));
const out: Record<string, { hash: string; median_ms: number }> = {};
for (const samples of [1, 4]) {
  for (const method of methods) {
    const rng = new Rng(1);
    const model = paperModel(method, samples);
    const data = rng.fork("data"), noise = rng.fork("noise");
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const x = patchBatch(data);
      const t0 = performance.now();
      const stats = await model.trainStep(x, noise);
      await stats.loss.data();
      times.push(performance.now() - t0);
      tf.dispose([stats.loss, stats.nonzero, x]);
    }
    const hash = createHash("sha256");
    hash.update(new Uint8Array(((await model.dictionary.data()) as Float32Array).buffer));
    for (const v of model.encoder!.variables()) {
      hash.update(new Uint8Array(((await v.data()) as Float32Array).buffer));
    }
    const id = `${method} J=${samples}`;
    out[id] = { hash: hash.digest("hex").slice(0, 16), median_ms: times.sort((a, b) => a - b)[steps >> 1] };
    console.log(id.padEnd(26), out[id].hash, `${out[id].median_ms.toFixed(2)} ms`);
    model.dispose();
  }
}
if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(out, null, 1) + "\n");
