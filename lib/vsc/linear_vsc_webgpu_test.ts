/**
 * The linear model on the WebGPU backend (the software adapter, llvmpipe, on machines without a GPU) against the
 * same training on wasm: a few steps of each method from the same seeds give the same dictionary and losses.
 *
 * Tolerance: 1e-3 relative (+1e-4 absolute) on the dictionary after 4 steps. Both sides compute in float32, but
 * in different orders (WebGPU's tiled products and reductions, wasm's XNNPACK/OpenBLAS), and the latent layer runs
 * as the graph on WebGPU and as the fused host loop on wasm (equal to float32 rounding, latent_test.ts); FISTA's
 * stopping test then sees slightly different iterates. Differences of 1e-6 grow over steps by the learning rates,
 * so four steps stay well inside 1e-3, and a wrong kernel or a wrong gradient is off by far more.
 * Skipped where this runtime offers no WebGPU adapter at all.
 */
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { registerFastKernels } from "../tensor/kernels.ts";
import { Rng } from "../tensor/rng.ts";
import { readFloats, readScalars } from "../tensor/readback.ts";
import { gpuAdapterDescription } from "../tensor/gpu_probe.ts";
import { LinearVsc } from "./linear_vsc.ts";
import type { VariationalMethod } from "./methods.ts";
import { assertAllClose, TINY_D, tinyLinearConfig } from "./_testing.ts";

const hasAdapter = !(await gpuAdapterDescription()).description.startsWith("no ");
const D = TINY_D;

/** Four steps from fixed seeds on `backend`: the dictionary and the step losses. */
async function train(backend: "wasm" | "webgpu", method: VariationalMethod | "fista", J: number) {
  await useBackend(backend);
  if (tf.getBackend() !== backend) throw new Error(`backend ${tf.getBackend()} instead of ${backend}`);
  if (backend === "wasm") registerFastKernels();
  const rng = new Rng(9);
  const model = new LinearVsc(tinyLinearConfig(method, J, [12, 12]), rng.fork("model"));
  const x = tf.tensor2d(rng.fork("data").normalArray(10 * D), [10, D]);
  const noise = rng.fork("noise");
  const stats: tf.Scalar[] = [];
  for (let i = 0; i < 4; i++) {
    const s = await model.trainStep(x, noise);
    stats.push(s.loss, s.nonzero);
  }
  const losses = await readScalars(stats);
  const dictionary = await readFloats(model.dictionary);
  tf.dispose([...stats, x]);
  model.dispose();
  return { losses, dictionary };
}

for (const [method, J] of [["fista", 1], ["gaussian", 2], ["spike_slab", 2], ["thr_laplacian", 3]] as const) {
  Deno.test({
    name: `LinearVsc trains ${method} J=${J} on webgpu as on wasm (dictionary and losses within 1e-3)`,
    ignore: !hasAdapter,
    async fn() {
      const cpuSide = await train("wasm", method, J);
      const gpuSide = await train("webgpu", method, J);
      await useBackend("wasm");
      assertAllClose(gpuSide.dictionary, cpuSide.dictionary, 1e-4, 1e-3, "dictionary");
      assertAllClose(gpuSide.losses, cpuSide.losses, 1e-4, 1e-3, "losses and non-zero fractions");
    },
  });
}

Deno.test({
  name: "a learned threshold is refused on webgpu with the reason (its Gamma sampler runs on the host)",
  ignore: !hasAdapter,
  async fn() {
    await useBackend("webgpu");
    const model = new LinearVsc(tinyLinearConfig("thr_laplacian_gamma", 2, [12, 12]), new Rng(1));
    const x = tf.zeros([4, D]) as tf.Tensor2D;
    let message = "";
    try {
      await model.trainStep(x, new Rng(2));
    } catch (error) {
      message = (error as Error).message;
    }
    tf.dispose(x);
    model.dispose();
    await useBackend("wasm");
    if (!message.includes(`Cannot sample a learned threshold on backend "webgpu"`)) {
      throw new Error(`expected the refusal, got "${message}"`);
    }
  },
});
