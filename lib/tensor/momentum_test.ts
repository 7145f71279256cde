/**
 * NesterovMomentum against tfjs's own `tf.train.momentum(lr, m, true)`: the same variables, gradients and
 * per-step learning rates must give bit-identical variables after several steps, on wasm (fused SIMD pass,
 * including sizes that are not a multiple of 4) and on cpu (tfjs ops), with tf.memory() flat.
 */
import { tf } from "./tf.ts";
import { useBackend } from "./backend.ts";
import { Rng } from "./rng.ts";
import { NesterovMomentum } from "./momentum.ts";

const SHAPES = [[7, 5], [64], [33, 17], [1]];
const RATES = [0.01, 0.004, 0.0173];

/** Variables and gradient draws of SHAPES, seeded; returns the variables' values after RATES' steps. */
function train(kind: "ours" | "tfjs", prefix: string): Float32Array[] {
  const rng = new Rng(3);
  const vars = SHAPES.map((s, i) =>
    tf.tidy(() =>
      tf.variable(tf.tensor(rng.normalArray(s.reduce((p, d) => p * d, 1)), s), true, `${prefix}${i}`)
    )
  );
  const ours = kind === "ours" ? new NesterovMomentum(vars, 0.9) : null;
  const theirs = kind === "tfjs" ? tf.train.momentum(RATES[0], 0.9, true) : null;
  for (const lr of RATES) {
    const grads: Record<string, tf.Tensor> = {};
    vars.forEach((v) => grads[v.name] = tf.tensor(rng.normalArray(v.size), v.shape));
    if (ours) ours.apply(grads, lr);
    else {
      theirs!.setLearningRate(lr);
      theirs!.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    }
    tf.dispose(Object.values(grads));
  }
  const values = vars.map((v) => v.dataSync() as Float32Array);
  ours?.dispose();
  theirs?.dispose();
  (theirs as unknown as { c?: tf.Tensor } | null)?.c?.dispose();
  tf.dispose(vars);
  return values;
}

for (const backend of ["wasm", "cpu"] as const) {
  Deno.test(`NesterovMomentum equals tf.train.momentum bit for bit (${backend})`, async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const ours = train("ours", `ours_${backend}_`);
    const theirs = train("tfjs", `tfjs_${backend}_`);
    ours.forEach((o, i) => {
      const t = theirs[i];
      for (let j = 0; j < t.length; j++) {
        if (!Object.is(o[j], t[j])) throw new Error(`variable ${i} element ${j}: ours ${o[j]}, tfjs ${t[j]}`);
      }
    });
    if (tf.memory().numTensors !== before) {
      throw new Error(`tensors leaked: ${before} before, ${tf.memory().numTensors} after`);
    }
  });
}
