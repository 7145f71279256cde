import assert from "node:assert/strict";
import { tf } from "../../tensor/tf.ts";
import { useBackend } from "../../tensor/backend.ts";
import { Rng } from "../../tensor/rng.ts";
import { col2imHost, im2colHost, im2colOps } from "./im2col.ts";

/** col[(i·OW + j)·N + n, (t·k + u)·C + c] by the definition, one element at a time. */
function im2colScalar(x: Float32Array, [h, wd, n, c]: number[], k: number, s: number, p: number) {
  const oh = Math.floor((h + 2 * p - k) / s) + 1, ow = Math.floor((wd + 2 * p - k) / s) + 1;
  const out = new Float32Array(oh * ow * n * k * k * c);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      for (let m = 0; m < n; m++) {
        for (let t = 0; t < k; t++) {
          for (let u = 0; u < k; u++) {
            for (let e = 0; e < c; e++) {
              const r = s * i + t - p, q = s * j + u - p;
              const inside = r >= 0 && r < h && q >= 0 && q < wd;
              out[((i * ow + j) * n + m) * k * k * c + (t * k + u) * c + e] = inside
                ? x[((r * wd + q) * n + m) * c + e]
                : 0;
            }
          }
        }
      }
    }
  }
  return { out, oh, ow };
}

// every (stride, padding) of protocol §3.1's layers, odd and even sizes, one and several channels
const cases = [
  { h: 8, w: 8, n: 2, c: 3, k: 4, s: 2, p: 1 },
  { h: 7, w: 7, n: 3, c: 2, k: 4, s: 2, p: 1 },
  { h: 7, w: 5, n: 2, c: 1, k: 4, s: 1, p: 0 },
  { h: 4, w: 4, n: 2, c: 5, k: 4, s: 2, p: 0 },
  { h: 5, w: 6, n: 1, c: 4, k: 2, s: 1, p: 1 },
  { h: 3, w: 3, n: 4, c: 2, k: 4, s: 1, p: 3 },
];

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`im2colHost() and im2colOps() equal the definition bit for bit on ${backend}`, async () => {
    await useBackend(backend);
    const rng = new Rng(7);
    const before = tf.memory().numTensors;
    for (const { h, w, n, c, k, s, p } of cases) {
      const values = new Float32Array(rng.normalArray(h * w * n * c));
      const x = tf.tensor4d(values, [h, w, n, c]);
      const want = im2colScalar(values, [h, w, n, c], k, s, p);
      for (const [name, f] of [["host", im2colHost], ["ops", im2colOps]] as const) {
        const got = f(x, k, s, p);
        const label = `${name} ${JSON.stringify({ h, w, n, c, k, s, p })}`;
        assert.deepEqual([got.oh, got.ow, got.n, got.c], [want.oh, want.ow, n, c], label);
        assert.deepEqual(got.col.shape, [want.oh * want.ow * n, k * k * c], label);
        assert.deepEqual(got.col.dataSync(), want.out, label);
        got.col.dispose();
      }
      x.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });
}

Deno.test("col2imHost() is the adjoint of im2col: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩", async () => {
  await useBackend("cpu");
  const rng = new Rng(8);
  for (const { h, w, n, c, k, s, p } of cases) {
    const x = tf.tensor4d(rng.normalArray(h * w * n * c), [h, w, n, c]);
    const { col, oh, ow } = im2colHost(x, k, s, p);
    const y = tf.tensor2d(rng.normalArray(col.size), col.shape);
    const back = col2imHost(y, [oh, ow, n], k, s, p, [h, w]);
    assert.deepEqual(back.shape, x.shape);
    const lhs = tf.sum(tf.mul(col, y)).dataSync()[0], rhs = tf.sum(tf.mul(x, back)).dataSync()[0];
    assert.ok(
      Math.abs(lhs - rhs) < 1e-4 * (1 + Math.abs(lhs)),
      `${lhs} vs ${rhs} ${JSON.stringify({ h, w, k, s, p })}`,
    );
    tf.dispose([x, col, y, back]);
  }
});
