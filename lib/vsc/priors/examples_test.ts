/**
 * One table of example distributions, checked against Monte Carlo: E[rsample] = mean and
 * −E[logProb(rsample)] = entropy. Every distribution file in this folder must appear in the table.
 * Tolerance: 5 Monte Carlo standard errors with fixed seeds (n = 40,000 draws per example).
 */
import { tf } from "../../tensor/tf.ts";
import { useBackend } from "../../tensor/backend.ts";
import { Rng } from "../../tensor/rng.ts";
import type { Distribution } from "./_distribution.ts";
import { Gamma } from "./gamma.ts";
import { Gaussian } from "./gaussian.ts";
import { Laplace } from "./laplace.ts";
import { SpikeSlab } from "./spike_slab.ts";
import { ThresholdedLaplace } from "./thresholded.ts";
import { assertClose, meanSe, values } from "../_testing.ts";

await useBackend("cpu");

const N = 40000;
const examples: Record<string, () => Distribution> = {
  gaussian: () => new Gaussian(tf.fill([N], 0.7), Math.log(0.1)),
  laplace: () => new Laplace(tf.fill([N], -0.3), Math.log(0.5)),
  gamma: () => new Gamma(tf.fill([N], 3), 12),
  spike_slab: () => new SpikeSlab(tf.fill([N], 0.3), 1.5, Math.log(0.2)),
  thresholded_laplace: () => new ThresholdedLaplace(tf.fill([N], 0.4), Math.log(0.1), 0.25),
};

Deno.test("every distribution file in priors/ has an example", async () => {
  for await (const entry of Deno.readDir(new URL(".", import.meta.url))) {
    const name = entry.name;
    if (!name.endsWith(".ts") || name.endsWith("_test.ts") || name.startsWith("_")) continue;
    const kinds = Object.keys(examples).filter((k) => k.startsWith(name.replace(".ts", "")));
    if (kinds.length === 0) throw new Error(`priors/${name} has no entry in the examples table`);
  }
});

for (const [kind, make] of Object.entries(examples)) {
  Deno.test(`${kind}: rsample() matches mean and −E[logProb] matches entropy()`, () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const d = make();
      if (d.kind !== kind) throw new Error(`kind ${d.kind} listed as ${kind}`);
      const z = d.rsample(new Rng(3));
      const m = meanSe(z.dataSync());
      assertClose(m.mean, values(d.mean)[0], 5 * m.se, 0, `${kind} mean`);
      const nlp = meanSe(values(tf.neg(d.logProb(z))));
      assertClose(nlp.mean, values(d.entropy())[0], 5 * nlp.se + 1e-5, 0, `${kind} entropy`);
    });
    if (tf.memory().numTensors !== before) throw new Error("leak");
  });
}
