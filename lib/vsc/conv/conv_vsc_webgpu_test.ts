/**
 * The conv model on the WebGPU backend (llvmpipe where there is no GPU) against wasm: two training steps of the
 * Fashion-MNIST architecture from the same seeds give the same losses and the same evaluation codes.
 *
 * Tolerance: 1e-3 relative (+1e-4 absolute). Both sides compute in float32 in different orders (WebGPU's
 * convolution-as-product tiles vs wasm's), and the latent layer runs as the graph on WebGPU and as the fused host
 * loop on wasm (equal to float32 rounding, latent_test.ts); two steps at the paper's learning rate keep those
 * differences near 1e-5, and a wrong kernel or gradient is off by far more. Skipped without any WebGPU adapter.
 */
import { tf } from "../../tensor/tf.ts";
import { useBackend } from "../../tensor/backend.ts";
import { registerFastKernels } from "../../tensor/kernels.ts";
import { Rng } from "../../tensor/rng.ts";
import { readScalars } from "../../tensor/readback.ts";
import { gpuAdapterDescription } from "../../tensor/gpu_probe.ts";
import { latentSpecFor } from "../methods.ts";
import { assertAllClose } from "../_testing.ts";
import { ConvVsc, defaultConvVscConfig } from "./conv_vsc.ts";

const hasAdapter = !(await gpuAdapterDescription()).description.startsWith("no ");
const spec = latentSpecFor("thr_laplacian", {
  lambdaGaussian: 0.52,
  lambdaLaplace: 0.23,
  spikePrior: 0.1,
  estimator: "straight",
});

async function train(backend: "wasm" | "webgpu") {
  await useBackend(backend);
  if (tf.getBackend() !== backend) throw new Error(`backend ${tf.getBackend()} instead of ${backend}`);
  if (backend === "wasm") registerFastKernels();
  const rng = new Rng(3);
  const model = new ConvVsc(
    { ...defaultConvVscConfig("fashion_mnist", spec, 8), samples: 2 },
    rng.fork("init"),
  );
  const x = tf.tensor4d(rng.fork("data").uniformArray(4 * 28 * 28), [4, 28, 28, 1]);
  const noise = rng.fork("noise");
  const losses = [model.trainStep(x, noise).loss, model.trainStep(x, noise).loss];
  const values = await readScalars(losses);
  const { codes } = await model.encodeSelect(x, rng.fork("eval"), 2);
  tf.dispose([...losses, x]);
  model.dispose();
  return { values, codes };
}

Deno.test({
  name:
    "ConvVsc (Fashion-MNIST, thresholded Laplacian) trains on webgpu as on wasm: losses and codes within 1e-3",
  ignore: !hasAdapter,
  async fn() {
    const cpuSide = await train("wasm");
    const gpuSide = await train("webgpu");
    await useBackend("wasm");
    assertAllClose(gpuSide.values, cpuSide.values, 1e-4, 1e-3, "step losses");
    assertAllClose(gpuSide.codes, cpuSide.codes, 1e-4, 1e-3, "evaluation codes");
  },
});
