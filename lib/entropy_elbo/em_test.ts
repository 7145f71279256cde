import { assert, assertEquals } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { sampleBars } from "../../data/bars.ts";
import { fitEm } from "./em.ts";
import { priorEntropyScale } from "./annealing.ts";

await useBackend("cpu");

Deno.test("fitEm() raises L^H epoch over epoch on bars data, keeps every posterior, and leaves memory flat", async () => {
  const set = sampleBars(new Rng(11), { n: 120, side: 4, sigma: 0.1 });
  const w = tf.tidy(() => tf.variable(tf.tensor2d(new Rng(12).normalArray(set.d * set.h), [set.d, set.h])));
  const before = tf.memory().numTensors;
  const scales: number[] = [];
  const fit = await fitEm(set.x, w, set, new Rng(13), {
    epochs: 6,
    batchSize: 40,
    eSteps: 60,
    eLr: 0.1,
    wLr: 0.5,
    priorScale: (epoch) => priorEntropyScale(epoch + 3, "em"),
    onEpoch: (p) => scales.push(p.priorScale),
  });
  assertEquals(tf.memory().numTensors, before);
  assertEquals(scales, [4, 2, 1, 1, 1, 1]);
  const elbos = fit.history.map((p) => p.elbo);
  assert(elbos.at(-1)! > elbos[0] + 0.5, `L^H ${elbos.map((e) => e.toFixed(3)).join(" → ")}`);
  const unfitted = fit.posteriors.s.filter((v) => !(v > 0) || v === 1).length;
  assertEquals(unfitted, 0, "every posterior was fitted (s moved from its start of 1)");
  w.dispose();
});
