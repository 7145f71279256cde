import { assert, assertAlmostEquals, assertEquals } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { dictionaryStep } from "./dictionary_step.ts";
import { matMul64, plantedCodes, randomUnitDictionary, transpose64 } from "./_testing.ts";

await useBackend("cpu");

Deno.test("dictionaryStep() with the true codes converges to a planted dictionary", () => {
  // Noise-free x = A* z with fresh sparse codes each step (J = 1, w = 1, γ = 0): A* is the common minimiser
  // of every batch loss, so gradient descent from a perturbed start must reach it (tolerance 1e-4 per entry).
  const rng = new Rng(10);
  const [d, k, b] = [16, 8, 32];
  const truth = randomUnitDictionary(rng.fork("A*"), d, k);
  const noise = rng.fork("noise").normalArray(d * k);
  let a = tf.tensor2d(truth.map((v, i) => v + 0.3 * noise[i]), [d, k]);
  const before = tf.memory().numTensors;
  const codeRng = rng.fork("codes");
  for (let step = 0; step < 400; step++) {
    const zArr = plantedCodes(codeRng, b, k, 3);
    const xArr = Float32Array.from(matMul64(zArr, transpose64(truth, d, k), b, k, d));
    const [x, z, w] = [tf.tensor2d(xArr, [b, d]), tf.tensor2d(zArr, [b, k]), tf.ones([b, 1]) as tf.Tensor2D];
    const next = dictionaryStep(a, { x, z, w }, { lr: 0.5, gamma: 0 });
    tf.dispose([a, x, z, w]);
    a = next;
  }
  assertEquals(tf.memory().numTensors, before);
  const learned = a.dataSync();
  for (let i = 0; i < d * k; i++) assertAlmostEquals(learned[i], truth[i], 1e-4);
  a.dispose();
});

Deno.test("dictionaryStep() moves A by −η times the numerical gradient of the weighted loss plus γ‖A‖²_F", () => {
  // F(A) = (1/B) Σ_b Σ_j w_bj ½‖x_b − A z_bj‖² + γ‖A‖²_F, central differences in float64 (h = 1e-5);
  // the step runs in float32, so agreement is to 1e-4 relative to the largest gradient entry.
  const rng = new Rng(11);
  const [d, k, b, j, gamma, lr] = [6, 5, 4, 3, 0.05, 0.1];
  const aArr = Float64Array.from(rng.normalArray(d * k));
  const xArr = rng.normalArray(b * d);
  const zArr = rng.normalArray(b * j * k);
  const wArr = rng.uniformArray(b * j);
  const loss = (av: Float64Array) => {
    const recon = matMul64(zArr, transpose64(av, d, k), b * j, k, d); // [B·J, D]
    let s = 0;
    for (let r = 0; r < b * j; r++) {
      const bb = Math.floor(r / j);
      let e = 0;
      for (let p = 0; p < d; p++) e += (xArr[bb * d + p] - recon[r * d + p]) ** 2;
      s += wArr[r] * 0.5 * e;
    }
    return s / b + gamma * av.reduce((t, v) => t + v * v, 0);
  };
  const h = 1e-5;
  const grad = new Float64Array(d * k);
  for (let i = 0; i < d * k; i++) {
    const up = aArr.slice(), down = aArr.slice();
    up[i] += h;
    down[i] -= h;
    grad[i] = (loss(up) - loss(down)) / (2 * h);
  }
  const a = tf.tensor2d(Float32Array.from(aArr), [d, k]);
  const [x, z, w] = [tf.tensor2d(xArr, [b, d]), tf.tensor2d(zArr, [b * j, k]), tf.tensor2d(wArr, [b, j])];
  const next = dictionaryStep(a, { x, z, w }, { lr, gamma });
  const moved = next.dataSync();
  const aF32 = a.dataSync();
  const scale = Math.max(...grad.map(Math.abs));
  for (let i = 0; i < d * k; i++) {
    assertAlmostEquals((moved[i] - aF32[i]) / lr, -grad[i], 1e-4 * scale * 10, `entry ${i}`);
  }
  assert(scale > 0.1, "gradient should be non-trivial");
  tf.dispose([a, x, z, w, next]);
});

Deno.test("dictionaryStep() with γ > 0 only shrinks A when the residual is zero", () => {
  // x = A z exactly, so the data term vanishes and A ← A − η·2γA = (1 − 2ηγ)A.
  const a = tf.tensor2d([[1, 2], [3, 4]]);
  const z = tf.tensor2d([[1, -1]]);
  const x = tf.tensor2d([[-1, -1]]);
  const w = tf.tensor2d([[1]]);
  const next = dictionaryStep(a, { x, z, w }, { lr: 0.5, gamma: 0.1 });
  const got = Array.from(next.dataSync());
  [0.9, 1.8, 2.7, 3.6].forEach((v, i) => assertAlmostEquals(got[i], v, 1e-6));
  tf.dispose([a, z, x, w, next]);
});
