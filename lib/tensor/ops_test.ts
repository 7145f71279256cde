import { tf } from "./tf.ts";
import { useBackend } from "./backend.ts";
import { digamma, lgamma, stopGradient } from "./ops.ts";
import { digamma64, lgamma64 } from "../vsc/standard_gamma.ts";

await useBackend("cpu");

Deno.test("stopGradient() is the identity forward and blocks the gradient", () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const x = tf.tensor1d([1, -2, 3]);
    if (stopGradient(x).dataSync().join() !== "1,-2,3") throw new Error("forward must be the identity");
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.add(tf.mul(a, 2), stopGradient(tf.square(a)))))(x);
    if (g.dataSync().join() !== "2,2,2") throw new Error(`gradient ${g.dataSync()}`);
  });
  if (tf.memory().numTensors !== before) throw new Error("leak");
});

// Tolerance: float32 evaluation of the shifted asymptotic series against the float64 Lanczos/ψ reference.
Deno.test("lgamma() and digamma() match float64 references from 1e-6 to 1e6", () => {
  const xs = [1e-6, 1e-3, 0.1, 0.5, 1, 2.5, 3, 7, 30, 1e3, 1e5, 1e6];
  tf.tidy(() => {
    const lg = lgamma(tf.tensor1d(xs)).dataSync(), dg = digamma(tf.tensor1d(xs)).dataSync();
    xs.forEach((x, i) => {
      const e1 = lgamma64(x), e2 = digamma64(x);
      if (Math.abs(lg[i] - e1) > 2e-6 * Math.max(1, Math.abs(e1))) {
        throw new Error(`lgamma(${x}) = ${lg[i]}, expected ${e1}`);
      }
      if (Math.abs(dg[i] - e2) > 2e-6 * Math.max(1, Math.abs(e2))) {
        throw new Error(`digamma(${x}) = ${dg[i]}, expected ${e2}`);
      }
    });
  });
});

Deno.test("lgamma()'s gradient is digamma()", () => {
  tf.tidy(() => {
    const xs = tf.tensor1d([0.3, 1, 4, 50]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(lgamma(a)))(xs).dataSync();
    [0.3, 1, 4, 50].forEach((x, i) => {
      if (Math.abs(g[i] - digamma64(x)) > 1e-5 * Math.max(1, Math.abs(digamma64(x)))) {
        throw new Error(`ψ(${x})`);
      }
    });
  });
});
