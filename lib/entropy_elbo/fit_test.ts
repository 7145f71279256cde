import { assert, assertAlmostEquals, assertEquals } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { sampleBars } from "../../data/bars.ts";
import { fitEntropyElbo } from "./fit.ts";
import { createPosteriors, POSTERIOR_FAMILIES } from "./posterior_families.ts";

await useBackend("cpu");

Deno.test("fitEntropyElbo() at the generating bars: λ* and σ* approach the generating √5 and 0.1, memory flat", async () => {
  // In W̃ units (unit columns) the sources are Laplace(0, √5): the bars have √5 = ‖bar‖ folded into them.
  const set = sampleBars(new Rng(6), { n: 200, side: 5, sigma: 0.1 });
  const x = tf.tensor2d(set.x, [set.n, set.d]);
  const w = tf.tidy(() => tf.variable(tf.tensor2d(set.w, [set.d, set.h])));
  const q = createPosteriors("diagonal", set, new Rng(7));
  const before = tf.memory().numTensors;
  const fit = await fitEntropyElbo(x, w, q, { steps: 600, lr: 0.05, logEvery: 100, learnW: false });
  assertEquals(tf.memory().numTensors, before);
  assert(fit.history.every((p, i) => i === 0 || p.elbo > fit.history[i - 1].elbo - 1e-3), "L^H rises");
  assertAlmostEquals(Math.sqrt(fit.sigma2), 0.1, 0.015);
  const meanLambda = fit.lambda.reduce((a, b) => a + b, 0) / set.h;
  assertAlmostEquals(meanLambda, Math.sqrt(5), 0.35);
  // W was held fixed.
  assertEquals(await w.data(), set.w);
  tf.dispose([x, w]);
  q.dispose();
});

Deno.test("fitEntropyElbo() keeps memory flat and raises L^H for every family when learning W", async () => {
  const set = sampleBars(new Rng(8), { n: 30, side: 3, sigma: 0.1 });
  const x = tf.tensor2d(set.x, [set.n, set.d]);
  for (const family of POSTERIOR_FAMILIES) {
    const w = tf.tidy(() => tf.variable(tf.tensor2d(new Rng(9).normalArray(set.d * set.h), [set.d, set.h])));
    const q = createPosteriors(family, set, new Rng(10));
    const before = tf.memory().numTensors;
    const fit = await fitEntropyElbo(x, w, q, { steps: 40, lr: 0.02, logEvery: 20, learnW: true });
    assertEquals(tf.memory().numTensors, before, family);
    assert(fit.final.elbo > fit.history[0].elbo, `${family}: ${fit.history[0].elbo} → ${fit.final.elbo}`);
    tf.dispose(w);
    q.dispose();
  }
  tf.dispose(x);
});
