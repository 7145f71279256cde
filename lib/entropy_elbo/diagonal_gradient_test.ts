import { assert } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { entropyElbo } from "./entropy_elbo.ts";
import { diagonalPosteriorGradient } from "./diagonal_gradient.ts";

await useBackend("cpu");

Deno.test("diagonalPosteriorGradient equals autodiff of −L^H through entropyElbo (fields fixed)", () => {
  const rng = new Rng(3);
  const [n, d, h] = [9, 6, 4];
  for (const priorScale of [1, 2.5]) {
    const x = tf.tensor2d(rng.normalArray(n * d), [n, d]);
    const w = tf.tensor2d(rng.normalArray(d * h), [d, h]); // not unit columns: entropyElbo normalises them
    const mu = tf.variable(tf.tensor2d(rng.normalArray(n * h), [n, h]));
    const logS = tf.variable(
      tf.tensor2d(rng.uniformArray(n * h, -1, 0.5), [n, h]),
    );
    const { grads } = tf.variableGrads(
      () =>
        tf.neg(entropyElbo(x, { mu, s: tf.exp(logS) as tf.Tensor2D, w }, { priorScale }).elbo) as tf.Scalar,
      [mu, logS],
    );
    const wTilde = tf.div(w, tf.norm(w, "euclidean", 0, true)) as tf.Tensor2D;
    const ours = diagonalPosteriorGradient(x, mu, logS, wTilde, priorScale);
    for (
      const [name, expected, got] of [["μ", grads[mu.name], ours.mu], [
        "ln s",
        grads[logS.name],
        ours.logS,
      ]] as const
    ) {
      const e = expected.dataSync(), g = got.dataSync();
      const scale = Math.max(...Array.from(e, Math.abs));
      for (let i = 0; i < e.length; i++) {
        assert(
          Math.abs(e[i] - g[i]) <= 1e-4 * scale,
          `∂/∂${name}[${i}] (s_prior ${priorScale}): ${g[i]} vs autodiff ${e[i]}`,
        );
      }
    }
    tf.dispose([x, w, mu, logS, wTilde, ours.mu, ours.logS, ...Object.values(grads)]);
  }
});

Deno.test("diagonalPosteriorGradient leaves no tensors behind", () => {
  const before = tf.memory().numTensors;
  const [x, mu, logS, w] = [tf.ones([3, 2]), tf.ones([3, 2]), tf.zeros([3, 2]), tf.eye(2)] as tf.Tensor2D[];
  const g = diagonalPosteriorGradient(x, mu, logS, w);
  tf.dispose([x, mu, logS, w, g.mu, g.logS]);
  assert(tf.memory().numTensors === before, `${tf.memory().numTensors - before} tensors leaked`);
});
