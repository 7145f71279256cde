import assert from "node:assert/strict";
import { tf } from "../../tensor/tf.ts";
import { useBackend } from "../../tensor/backend.ts";
import { Rng } from "../../tensor/rng.ts";
import { readScalars } from "../../tensor/readback.ts";
import { latentSpecFor } from "../methods.ts";
import { ConvVsc, defaultConvVscConfig } from "./conv_vsc.ts";
import { registerViewKernels } from "../../tensor/wasm_views.ts";
import { CELEBA_ARCH, FMNIST_ARCH } from "./architectures.ts";
import { ConvDecoder, ConvEncoder } from "./conv_nets.ts";

const settings = {
  lambdaGaussian: 0.52,
  lambdaLaplace: 0.23,
  spikePrior: 0.1,
  estimator: "straight" as const,
};

Deno.test("ConvEncoder and ConvDecoder map FMNIST and CelebA images to codes and back at protocol §3.1 sizes", async () => {
  await useBackend("wasm");
  registerViewKernels();
  const rng = new Rng(0);
  for (const arch of [FMNIST_ARCH, CELEBA_ARCH]) {
    const enc = new ConvEncoder(arch, ["mu", "logscale"], 5, rng);
    const dec = new ConvDecoder(arch, 5, rng);
    const [h, w, c] = arch.image;
    tf.tidy(() => {
      const heads = enc.forward(tf.zeros([2, h, w, c]) as tf.Tensor4D);
      assert.deepEqual(heads.mu.shape, [2, 5]);
      const x = dec.forward(heads.mu);
      assert.deepEqual(x.shape, [2, h, w, c]);
      const v = x.dataSync();
      assert.ok(v.every((e) => e > 0 && e < 1), "sigmoid output");
    });
    tf.dispose([...Object.values(enc.named().params), ...Object.values(enc.named().buffers)]);
    tf.dispose([...Object.values(dec.named().params), ...Object.values(dec.named().buffers)]);
  }
});

Deno.test("ConvVsc.trainStep() lowers the loss on a fixed batch, keeps the tensor count flat and updates BN stats", async () => {
  await useBackend("wasm");
  registerViewKernels();
  const rng = new Rng(1);
  for (const method of ["thr_laplacian_gamma", "spike_slab"] as const) {
    const config = {
      ...defaultConvVscConfig("fashion_mnist", latentSpecFor(method, settings), 8),
      samples: 2,
      totalIterations: 20,
    };
    const model = new ConvVsc(config, rng.fork(method));
    const x = tf.tensor4d(rng.uniformArray(4 * 28 * 28), [4, 28, 28, 1]);
    const lossOf = async () => {
      const { loss } = model.trainStep(x, rng);
      const [value] = await readScalars([loss]);
      loss.dispose();
      return value;
    };
    const first = await lossOf();
    const count = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 4; i++) last = await lossOf();
    assert.equal(tf.memory().numTensors, count, `${method}: tensors leaked`);
    assert.ok(Number.isFinite(last) && last < first, `${method}: ${first} → ${last}`);
    const rm = model.encoder.norms[0].runningMean.dataSync();
    assert.ok(rm.some((v) => v !== 0), "running mean moved");
    const enc = await model.encodeSelect(x, rng, 3);
    assert.equal(enc.codes.length, 4 * 8);
    assert.equal(enc.recon.length, 4 * 784);
    assert.equal(tf.memory().numTensors, count, `${method}: encodeSelect leaked`);
    model.dispose();
    x.dispose();
  }
});

Deno.test("ConvVsc.named() and load() round-trip every parameter and BN buffer", async () => {
  await useBackend("cpu");
  const config = defaultConvVscConfig("fashion_mnist", latentSpecFor("thr_gaussian", settings), 4);
  const a = new ConvVsc(config, new Rng(2));
  const b = new ConvVsc(config, new Rng(3));
  b.load(a.named());
  for (const [k, v] of Object.entries(a.named())) {
    assert.deepEqual(b.named()[k].dataSync(), v.dataSync(), k);
  }
  assert.ok(Object.keys(a.named()).some((k) => k.includes("running_var")));
  a.dispose();
  b.dispose();
});
