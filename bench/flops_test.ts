/** Counted product flops against the linear step's flops worked out by hand from its shapes. */
import { tf } from "../lib/tensor/tf.ts";
import { Rng } from "../lib/tensor/rng.ts";
import { useKernels } from "./_harness.ts";
import {
  productCalls,
  productFlops,
  productKernelFlops,
  timeProducts,
  timeProductsInPlace,
} from "./flops.ts";
import { fastBlas } from "../lib/tensor/kernels.ts";
import { paperModel, patchBatch } from "./linear_step.ts";

Deno.test("productKernelFlops() counts 2·m·n·k with or without transposes, per batch", () => {
  const cases: [number[][], number[][], number][] = [
    [[[100, 512], [512, 1024]], [[100, 1024]], 2 * 100 * 1024 * 512],
    [[[100, 512], [100, 1024]], [[512, 1024]], 2 * 512 * 1024 * 100], // aᵀb
    [[[3, 4, 5], [3, 5, 6]], [[3, 4, 6]], 2 * 3 * 4 * 6 * 5],
  ];
  for (const [inputs, outputs, expected] of cases) {
    const got = productKernelFlops("BatchMatMul", inputs, outputs);
    if (got !== expected) throw new Error(`[${inputs.join("],[")}]: ${got}, expected ${expected}`);
  }
  if (productKernelFlops("Add", [[2, 2], [2, 2]], [[2, 2]]) !== 0) throw new Error("Add is not a product");
});

for (const kernels of ["fallback", "fast"] as const) {
  Deno.test(`productFlops() of a linear J = 1 step equals the hand count (891 MFLOP for the Gaussian), ${kernels} kernels`, async () => {
    const info = await useKernels(kernels);
    if (kernels === "fast" && !info.startsWith("openblas")) return; // no OpenBLAS here: nothing to count
    const model = paperModel("gaussian", 1);
    const x = patchBatch(new Rng(0));
    const flops = await productFlops(async () =>
      tf.dispose(Object.values(await model.trainStep(x, new Rng(1))))
    );
    // Encoder 256→512→1024→512→256 plus 2 heads 256→256 at B = 100: forward 2B·Σ in·out; backward the same for
    // the weights plus the same for the inputs except the first layer's; decoder z Aᵀ and its gradient
    // 2·2·B·D·K; dictionary step (residual and gradient) 2·2·B·D·K.
    const B = 100, D = 256, K = 256;
    const layers = [[256, 512], [512, 1024], [1024, 512], [512, 256], [256, 256], [256, 256]];
    const forward = layers.reduce((s, [i, o]) => s + 2 * B * i * o, 0);
    const expected = 3 * forward - 2 * B * 256 * 512 + 4 * B * D * K + 4 * B * D * K;
    x.dispose();
    model.dispose();
    if (flops !== expected) throw new Error(`counted ${flops}, expected ${expected}`);
    if (Math.abs(expected - 891e6) > 1e6) throw new Error(`hand count ${expected} is not ~891 MFLOP`);
  });
}

Deno.test("productCalls() records a step's sgemm calls, and timeProducts() replays them without leaking tensors", async () => {
  const info = await useKernels("fallback");
  if (!info.includes("sgemm")) throw new Error(`expected the built-in sgemm, got ${info}`);
  const model = paperModel("gaussian", 1);
  const x = patchBatch(new Rng(0));
  const step = async () => tf.dispose(Object.values(await model.trainStep(x, new Rng(1))));
  const calls = await productCalls(step);
  const flops = await productFlops(step);
  if (calls === null) throw new Error("no calls recorded with the fast kernels active");
  const counted = calls.reduce((s, c) => s + 2 * c.m * c.n * c.k, 0);
  if (counted !== flops) throw new Error(`the calls count ${counted} flops, productFlops ${flops}`);
  const before = tf.memory().numTensors;
  const { medianMs, p10Ms } = timeProducts(calls, 2);
  if (tf.memory().numTensors !== before) throw new Error("timeProducts leaked tensors");
  if (!(p10Ms > 0 && medianMs >= p10Ms)) throw new Error(`times ${p10Ms}, ${medianMs}`);
  x.dispose();
  model.dispose();
  await useKernels("stock");
  if (await productCalls(step) !== null) throw new Error("stock kernels make no sgemm calls to record");
});

Deno.test("timeProductsInPlace() times the sgemm calls inside each step, a part of it, and puts sgemm back", async () => {
  await useKernels("fallback");
  const model = paperModel("gaussian", 1);
  const x = patchBatch(new Rng(0));
  const walls: number[] = [];
  const step = async () => {
    const t0 = performance.now();
    tf.dispose(Object.values(await model.trainStep(x, new Rng(1))));
    walls.push(performance.now() - t0);
  };
  const sgemm = fastBlas()!.sgemm;
  const inPlace = await timeProductsInPlace(step, 3);
  if (fastBlas()!.sgemm !== sgemm) throw new Error("sgemm was not put back");
  if (inPlace === null || walls.length !== 3) {
    throw new Error(`${walls.length} steps, ${JSON.stringify(inPlace)}`);
  }
  // every product of the step is an sgemm call, and the step does more than its products
  const fastest = Math.min(...walls);
  if (!(inPlace.p10Ms > 0 && inPlace.p10Ms <= inPlace.medianMs && inPlace.p10Ms < fastest)) {
    throw new Error(`in place ${JSON.stringify(inPlace)} against steps of ${walls.join(", ")} ms`);
  }
  x.dispose();
  model.dispose();
  await useKernels("stock");
  if (await timeProductsInPlace(step, 1) !== null) {
    throw new Error("stock kernels make no sgemm calls to time");
  }
});
