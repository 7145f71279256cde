import assert from "node:assert/strict";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { createPosteriors } from "./posterior_families.ts";
import { fitAmortised } from "./fit_amortised.ts";
import { analyticLaplaceElbo } from "./baseline_elbos.ts";
import { entropyElbo } from "./entropy_elbo.ts";
import { unitScaleCodes } from "./fit_baseline.ts";

await useBackend("cpu");

const data = (n: number, d: number) => new Rng(0).normalArray(n * d);

Deno.test("fitAmortised on L^H: the objective's history is L^H, and no σ² is learned", async () => {
  const w = tf.tidy(() => tf.variable(tf.randomNormal([4, 3], 0, 1, "float32", 1)));
  const encoder = createPosteriors("amortised", { n: 64, d: 4, h: 3 }, new Rng(1));
  const fit = await fitAmortised(data(64, 4), w, encoder, { n: 64, d: 4 }, new Rng(2), {
    epochs: 2,
    batchSize: 16,
    lr: 0.01,
  });
  fit.history.forEach((p, i) => assert.ok(Math.abs(p.elbo - fit.objectiveHistory[i]) < 1e-5));
  assert.equal(fit.sigma2, undefined);
  tf.dispose(w);
  encoder.dispose();
});

for (const kind of ["analytic", "monte_carlo"] as const) {
  Deno.test(`fitAmortised on the ${kind} baseline: it rises, learns σ², and its history is L^H of the model point`, async () => {
    const before = tf.memory().numTensors;
    const [n, d, h] = [64, 4, 3];
    const x = data(n, d);
    const w = tf.tidy(() => tf.variable(tf.randomNormal([d, h], 0, 1, "float32", 1)));
    const encoder = createPosteriors("amortised", { n, d, h }, new Rng(1));
    // L^H of the starting model point on the unit-column scale, and of its raw codes (W's columns are not unit).
    const xt = tf.tensor2d(x, [n, d]);
    const [scaled, raw] = tf.tidy(() => {
      const q = encoder.of(xt) as { mu: tf.Tensor2D; s: tf.Tensor2D };
      return [unitScaleCodes(q, w), q].map((c) =>
        entropyElbo(xt, { ...c, w: w as tf.Tensor2D }).elbo.dataSync()[0]
      );
    });
    const fit = await fitAmortised(x, w, encoder, { n, d }, new Rng(2), {
      epochs: 6,
      batchSize: n, // one batch an epoch: each history point is the model before that epoch's update
      lr: 0.02,
      objective: { kind, b: 1, samples: 4, rng: new Rng(3) },
    });
    assert.ok(fit.objectiveHistory.at(-1)! > fit.objectiveHistory[0], `${fit.objectiveHistory}`);
    assert.ok(fit.sigma2! > 0 && fit.sigma2 !== 1, `σ² ${fit.sigma2}`);
    assert.ok(
      Math.abs(fit.history[0].elbo - scaled) < 1e-4 && Math.abs(scaled - raw) > 0.1,
      `${scaled} ${raw}`,
    );
    if (kind === "analytic") {
      const start = tf.tidy(() => tf.variable(tf.randomNormal([d, h], 0, 1, "float32", 1)));
      const q0 = createPosteriors("amortised", { n, d, h }, new Rng(1));
      const first = tf.tidy(() =>
        analyticLaplaceElbo(xt, {
          ...q0.of(xt) as { mu: tf.Tensor2D; s: tf.Tensor2D },
          w: start as tf.Tensor2D,
          logSigma2: tf.scalar(0),
        }, 1)
          .dataSync()[0]
      );
      assert.ok(Math.abs(first - fit.objectiveHistory[0]) < 1e-4, "the objective's history is its value");
      tf.dispose(start);
      q0.dispose();
    }
    tf.dispose([w, xt]);
    encoder.dispose();
    assert.equal(tf.memory().numTensors, before, "no tensor leaked");
  });
}
