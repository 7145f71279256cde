import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { readScalars } from "../tensor/readback.ts";
import { LinearVsc, nonzeroFraction, selectedSamples } from "./linear_vsc.ts";
import { assertClose, TINY_D, tinyLinearConfig } from "./_testing.ts";
import { assertEquals } from "../testing/assert.ts";

await useBackend("cpu");

const D = TINY_D;
const config = tinyLinearConfig;

function batch(rng: Rng, n: number): tf.Tensor2D {
  return tf.tensor2d(rng.normalArray(n * D), [n, D]);
}

const METHODS = ["fista", "gaussian", "spike_slab", "thr_gaussian_gamma", "thr_laplacian"] as const;

for (const method of METHODS) {
  Deno.test(`LinearVsc.trainStep of ${method} leaves the live tensor count unchanged`, async () => {
    const rng = new Rng(1);
    const model = new LinearVsc(config(method, method === "fista" ? 1 : 3), rng.fork("model"));
    const x = batch(rng, 10);
    const step = async () => tf.dispose(Object.values(await model.trainStep(x, rng)));
    await step(); // the optimizer allocates its slots on the first step
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await step();
    model.endEpoch();
    const after = tf.memory().numTensors;
    x.dispose();
    model.dispose();
    if (after !== before) throw new Error(`${after - before} tensors leaked per 3 steps`);
  });
}

Deno.test("LinearVsc.encode returns the best sample's code with its loss and per-latent KL, exact zeros when thresholded", async () => {
  const rng = new Rng(2);
  const model = new LinearVsc(config("thr_laplacian", 4), rng.fork("model"));
  const x = batch(rng, 6);
  const out = await model.encode(x, 4, rng);
  const [xv, a] = [x.dataSync(), model.dictionary.dataSync()];
  const beta = model.config.beta;
  x.dispose();
  model.dispose();
  if (out.codes.length !== 6 * D || out.perSample.length !== 6 * 4 || out.klPerLatent.length !== 6 * D) {
    throw new Error(`wrong sizes ${out.codes.length}, ${out.perSample.length}, ${out.klPerLatent.length}`);
  }
  if (!out.codes.some((v) => v === 0)) throw new Error("a thresholded code should contain exact zeros");
  // The values, not just the sizes: with max-ELBO selection the code returned is the best of the J samples, so
  // its loss recomputed here in float64, pixel-mean ‖x − A z‖² + β·Σ_k KL_k, is min_j L_bj; and the samples
  // differ (else any sample would do) and the KL term is far above the tolerance (else dropping it would pass).
  for (let b = 0; b < 6; b++) {
    let se = 0;
    for (let p = 0; p < D; p++) {
      let r = xv[b * D + p];
      for (let k = 0; k < D; k++) r -= a[p * D + k] * out.codes[b * D + k];
      se += r * r;
    }
    let kl = 0;
    for (let k = 0; k < D; k++) kl += out.klPerLatent[b * D + k];
    const row = Array.from(out.perSample.subarray(b * 4, b * 4 + 4));
    const best = Math.min(...row);
    assertClose(se / D + beta * kl, best, 1e-5, 1e-5, `datum ${b}: loss of the returned code vs min_j L_bj`);
    if (!(Math.max(...row) - best > 1e-3)) {
      throw new Error(`datum ${b}: the J samples' losses are all ${best}`);
    }
    if (!(beta * kl > 1e-3)) throw new Error(`datum ${b}: β·ΣKL = ${beta * kl} is too small to be checked`);
  }
});

Deno.test("LinearVsc training lowers the Gaussian VAE's objective on a fixed batch", async () => {
  const rng = new Rng(3);
  const model = new LinearVsc({ ...config("gaussian", 1), totalIterations: 200 }, rng.fork("model"));
  const x = batch(rng, 20);
  const lossOf = async () => {
    const { loss, nonzero } = await model.trainStep(x, rng);
    const [value] = await readScalars([loss]);
    tf.dispose([loss, nonzero]);
    return value;
  };
  const first = await lossOf();
  let last = first;
  for (let i = 0; i < 150; i++) last = await lossOf();
  x.dispose();
  model.dispose();
  if (!(last < 0.8 * first)) throw new Error(`objective went from ${first} to ${last}`);
});

Deno.test("LinearVsc leaves no tensor behind once disposed", () => {
  const before = tf.memory().numTensors;
  new LinearVsc(config("thr_laplacian_gamma", 2), new Rng(4)).dispose();
  new LinearVsc(config("fista", 1), new Rng(4)).dispose();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${after - before} tensors left behind`);
});

Deno.test("LinearVsc: a FISTA dictionary driven to non-finite values gives a NaN loss, not a solver crash", async () => {
  const rng = new Rng(2);
  const model = new LinearVsc({ ...config("fista", 1), dictLr: 1e30 }, rng.fork("model"));
  const x = batch(rng, 10);
  const losses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const stats = await model.trainStep(x, rng);
    losses.push((await readScalars([stats.loss]))[0]);
    tf.dispose([stats.loss, stats.nonzero]);
  }
  x.dispose();
  model.dispose();
  if (!losses.some((v) => Number.isNaN(v))) throw new Error(`no NaN loss: ${losses}`);
});

Deno.test("nonzeroFraction and selectedSamples equal the tfjs ops they replace, bit for bit, on cpu and wasm", async () => {
  const rng = new Rng(5);
  try {
    for (const backend of ["cpu", "wasm"] as const) {
      await useBackend(backend);
      // sizes whose count / size rounds differently from count · fround(1 / size) (the cpu kernels' way), and the
      // bench's J = 20 batch
      for (const [B, J, K] of [[1, 1, 1], [3, 4, 5], [7, 20, 33], [5, 7, 97], [100, 20, 256]]) {
        // codes with exact zeros, −0, a NaN; weights one-hot, with a tie and a NaN row where B allows
        const z = Float32Array.from({ length: B * J * K }, () => (rng.next() < 0.4 ? 0 : rng.normal()));
        z[0] = -0;
        if (z.length > 2) z[2] = NaN;
        const w = new Float32Array(B * J);
        for (let b = 0; b < B; b++) w[b * J + rng.int(J)] = 1;
        if (B > 1 && J > 1) w.fill(1, J, 2 * J); // datum 1: all equal, the first is taken
        if (B > 2) w[2 * J + J - 1] = NaN;
        const codes = tf.tensor2d(z, [B * J, K]), weights = tf.tensor2d(w, [B, J]);
        const expected = tf.tidy(() => {
          const rows = tf.add(tf.cast(tf.argMax(weights, 1), "int32"), tf.range(0, B * J, J, "int32"));
          return [tf.mean(tf.cast(tf.notEqual(codes, 0), "float32")), tf.gather(codes, rows)];
        });
        const fraction = nonzeroFraction(codes);
        const [selected, ones] = selectedSamples(codes, weights); // disposes codes and weights
        assertEquals(Array.from(fraction.dataSync()), Array.from(expected[0].dataSync()));
        assertEquals(
          Array.from(selected.dataSync(), (v) => Object.is(v, -0) ? "-0" : v),
          Array.from(expected[1].dataSync(), (v) => Object.is(v, -0) ? "-0" : v),
        );
        assertEquals(Array.from(ones.dataSync()), new Array(B).fill(1));
        tf.dispose([fraction, selected, ones, ...expected]);
      }
    }
  } finally {
    await useBackend("cpu");
  }
});
