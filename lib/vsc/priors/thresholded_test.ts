/** Tolerance: 5 Monte Carlo standard errors (binomial), fixed seeds; gradients are exact small integers. */
import { tf } from "../../tensor/tf.ts";
import { useBackend } from "../../tensor/backend.ts";
import { Rng } from "../../tensor/rng.ts";
import { shiftedSoftThreshold, ThresholdedLaplace } from "./thresholded.ts";
import { assertAllClose, assertClose, meanSe, values } from "../_testing.ts";

await useBackend("cpu");

Deno.test("shiftedSoftThreshold() zeroes |n| ≤ λ and shifts the rest towards μ (eq. 2)", () => {
  tf.tidy(() => {
    const mu = tf.tensor1d([1, 1, 1, -2, 0.5]);
    const n = tf.tensor1d([0.2, -0.3, 0.9, -1.5, 0.5]);
    // T = 0 | 0 | μ + (0.9 − 0.5) | μ − (1.5 − 0.5) | 0 (|n| = λ stays inactive)
    assertAllClose(values(shiftedSoftThreshold(mu, n, 0.5)), [0, 0, 1.4, -3, 0], 1e-6);
  });
});

Deno.test("shiftedSoftThreshold()'s subgradient is [active] for μ and n and −sign(n)·sign(λ)·[active] for λ", () => {
  tf.tidy(() => {
    const mu = tf.tensor1d([1, 1, 1, -2]),
      n = tf.tensor1d([0.2, -0.3, 0.9, -1.5]),
      lam = tf.tensor1d([0.5, 0.5, -0.5, 0.5]);
    const [gMu, gN, gLam] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(shiftedSoftThreshold(a, b, c))
    )([mu, n, lam]);
    assertAllClose(values(gMu), [0, 0, 1, 1], 0);
    assertAllClose(values(gN), [0, 0, 1, 1], 0);
    assertAllClose(values(gLam), [0, 0, 1, 1], 0); // −sign(0.9)·sign(−0.5) = 1; −sign(−1.5)·sign(0.5) = 1
  });
});

Deno.test("ThresholdedLaplace: the spike probability by sampling is 1 − exp(−λ/b) (Proposition 3.1)", () => {
  tf.tidy(() => {
    for (const [b, lambda] of [[0.1, 0.25], [0.1, 0.05], [1, 0.7]]) {
      const d = new ThresholdedLaplace(tf.fill([40000], 0.3), Math.log(b), lambda);
      const zeros = values(d.rsample(new Rng(2))).map((v) => (v === 0 ? 1 : 0));
      const m = meanSe(zeros);
      assertClose(m.mean, 1 - Math.exp(-lambda / b), 5 * m.se, 0, `P(z = 0) at b=${b}, λ=${lambda}`);
      assertClose(values(d.spikeProbability())[0], 1 - Math.exp(-lambda / b), 1e-6);
    }
  });
});

Deno.test("ThresholdedLaplace: the slab is Lap(μ, b) (Proposition 3.1)", () => {
  tf.tidy(() => {
    const [mu, b] = [0.3, 0.1];
    const z = values(new ThresholdedLaplace(tf.fill([80000], mu), Math.log(b), 0.1).rsample(new Rng(4)))
      .filter((v) => v !== 0);
    const m = meanSe(z);
    assertClose(m.mean, mu, 5 * m.se, 0, "slab mean");
    const dev = meanSe(z.map((v) => Math.abs(v - mu)));
    assertClose(dev.mean, b, 5 * dev.se, 0, "slab E|z − μ| = b");
  });
});
