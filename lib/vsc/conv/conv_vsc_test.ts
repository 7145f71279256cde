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

Deno.test("ConvVsc.gradients() accumulated over micro-batches equal the full batch's with batch norm off", async () => {
  await useBackend("wasm");
  registerViewKernels();
  for (const method of ["thr_laplacian", "gaussian"] as const) {
    const config = {
      ...defaultConvVscConfig("fashion_mnist", latentSpecFor(method, settings), 6),
      samples: 3,
      totalIterations: 100,
    };
    const model = new ConvVsc(config, new Rng(4));
    const x = tf.tensor4d(new Rng(5).uniformArray(8 * 28 * 28), [8, 28, 28, 1]);
    // The same noise stream for both: micro-batches draw it in the full batch's row order.
    const full = model.gradients(x, new Rng(6), { batchNorm: "running" });
    const micro = model.gradients(x, new Rng(6), { batchNorm: "running", microBatch: 3 }); // 3 + 3 + 2 images
    const [a, b] = [full.loss.dataSync()[0], micro.loss.dataSync()[0]];
    assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(a), `${method}: loss ${a} vs ${b}`);
    for (const [name, g] of Object.entries(full.grads)) {
      const [u, v] = [g.dataSync(), micro.grads[name].dataSync()];
      let diff = 0, scale = 0;
      for (let i = 0; i < u.length; i++) {
        [diff, scale] = [Math.max(diff, Math.abs(u[i] - v[i])), Math.max(scale, Math.abs(u[i]))];
      }
      assert.ok(diff <= 1e-4 * scale + 1e-7, `${method} ${name}: max |Δ| ${diff} (max |g| ${scale})`);
    }
    tf.dispose([full.loss, micro.loss, ...Object.values(full.grads), ...Object.values(micro.grads), x]);
    model.dispose();
  }
});

Deno.test("ConvVsc.trainStep() with micro-batches: per-micro-batch batch norm, one averaged running-stat update, no leak", async () => {
  await useBackend("wasm");
  registerViewKernels();
  const config = {
    ...defaultConvVscConfig("fashion_mnist", latentSpecFor("thr_laplacian", settings), 6),
    samples: 2,
    totalIterations: 100,
  };
  const model = new ConvVsc(config, new Rng(7));
  const x = tf.tensor4d(new Rng(8).uniformArray(8 * 28 * 28), [8, 28, 28, 1]);
  tf.dispose(model.trainStep(x, new Rng(9), 4).loss);
  const count = tf.memory().numTensors;
  tf.dispose(model.trainStep(x, new Rng(9), 4).loss);
  assert.equal(tf.memory().numTensors, count, "tensors leaked");
  // The running mean after one update from zero is 0.1 × (the mean of the two micro-batches' means), which for
  // the first layer equals 0.1 × the batch mean of its pre-activations: finite and non-zero.
  const rm = model.encoder.norms[0].runningMean.dataSync();
  assert.ok(rm.every(Number.isFinite) && rm.some((v) => v !== 0), "running mean moved");
  x.dispose();
  model.dispose();
});
