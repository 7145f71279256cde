/** Tolerances: 5 Monte Carlo standard errors (fixed seeds); quadrature errors < 1e-6. */
import { tf } from "../../tensor/tf.ts";
import { useBackend } from "../../tensor/backend.ts";
import { Rng } from "../../tensor/rng.ts";
import { Gamma, standardGammaRsample } from "./gamma.ts";
import { assertClose, meanSe, simpson, values } from "../_testing.ts";

await useBackend("cpu");

Deno.test("Gamma.rsample() has mean α/β and variance α/β²", () => {
  tf.tidy(() => {
    const [a, b] = [3, 12];
    const z = values(new Gamma(tf.fill([40000], a), b).rsample(new Rng(1)));
    const m = meanSe(z);
    assertClose(m.mean, a / b, 5 * m.se);
    const v = meanSe(z.map((x) => (x - a / b) ** 2));
    assertClose(v.mean, a / (b * b), 5 * v.se);
  });
});

Deno.test("Gamma.rsample()'s pathwise gradients are unbiased: E[∂λ/∂α] = 1/β and E[∂λ/∂β] = −α/β²", () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const [a, b, n] = [2, 3, 40000];
    const f = (alpha: tf.Tensor, beta: tf.Tensor) => tf.sum(new Gamma(alpha, beta).rsample(new Rng(5)));
    const [gA, gB] = tf.grads(f)([tf.fill([n], a), tf.fill([n], b)]);
    const mA = meanSe(gA.dataSync()), mB = meanSe(gB.dataSync());
    assertClose(mA.mean, 1 / b, 5 * mA.se, 0, "E[∂λ/∂α]");
    assertClose(mB.mean, -a / (b * b), 5 * mB.se, 0, "E[∂λ/∂β]");
  });
  if (tf.memory().numTensors !== before) throw new Error("leak");
});

Deno.test("standardGammaRsample() consumes the Rng like the host sampler", () => {
  tf.tidy(() => {
    const x1 = standardGammaRsample(tf.fill([5], 1.5), new Rng(9)).dataSync();
    const x2 = standardGammaRsample(tf.fill([5], 1.5), new Rng(9)).dataSync();
    if (x1.join() !== x2.join()) throw new Error("same seed must give the same draws");
  });
});

Deno.test("Gamma.logProb() integrates to 1 and entropy() matches −∫ p ln p", () => {
  tf.tidy(() => {
    const d = new Gamma(3, 12);
    const grid = Array.from({ length: 20001 }, (_, i) => 1e-9 + (i * 3) / 20000);
    const lp = values(d.logProb(tf.tensor1d(grid)));
    const f = (x: number) => lp[Math.round((x - 1e-9) / (3 / 20000))];
    assertClose(simpson((x) => Math.exp(f(x)), grid[0], grid[20000]), 1, 1e-4);
    assertClose(simpson((x) => -Math.exp(f(x)) * f(x), grid[0], grid[20000]), values(d.entropy())[0], 1e-4);
  });
});
