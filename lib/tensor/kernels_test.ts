/**
 * The fast kernels against the stock wasm kernels they replace.
 *
 * Tolerance note: both sides compute in float32 but sum in different orders, so results are compared with
 * |fast − stock| ≤ 1e-4·(1 + |stock|) elementwise (K ≤ 300, entries ~N(0, 1), seeded inputs).
 * Every test runs for both products the fast kernels can call — OpenBLAS (skipped where it cannot be opened) and
 * the built-in wasm-simd sgemm on two threads.
 */
import { tf } from "./tf.ts";
import { useBackend } from "./backend.ts";
import { Rng } from "./rng.ts";
import { openOpenBlas } from "./blas/openblas.ts";
import { openWasmBlas } from "./blas/wasm_sgemm.ts";
import type { Blas } from "./blas/blas.ts";
import { fastKernelsActive, registerFastKernels, unregisterFastKernels } from "./kernels.ts";

const rng = new Rng(7);

function randn(shape: number[]): tf.Tensor {
  return tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
}

function assertClose(fast: tf.Tensor, stock: tf.Tensor, what: string): void {
  if (fast.shape.join() !== stock.shape.join()) {
    throw new Error(`${what}: shape [${fast.shape}] differs from stock [${stock.shape}]`);
  }
  const f = fast.dataSync(), s = stock.dataSync();
  for (let i = 0; i < s.length; i++) {
    if (!(Math.abs(f[i] - s[i]) <= 1e-4 * (1 + Math.abs(s[i])))) {
      throw new Error(`${what}: element ${i} is ${f[i]}, stock gives ${s[i]}`);
    }
  }
}

/** Run `f` with the stock kernels, then with the fast ones on `blas`; compare every output; dispose everything. */
function compare(blas: Blas | null, what: string, f: () => tf.Tensor | tf.Tensor[]): void {
  unregisterFastKernels();
  const stock = [f()].flat();
  registerFastKernels({ blas });
  if (!fastKernelsActive()) throw new Error("fast kernels did not register");
  const fast = [f()].flat();
  stock.forEach((s, i) => assertClose(fast[i], s, `${what} (output ${i})`));
  tf.dispose([...stock, ...fast]);
}

async function withWasm(body: () => void): Promise<void> {
  await useBackend("wasm");
  const before = tf.memory().numTensors;
  try {
    body();
  } finally {
    unregisterFastKernels();
  }
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`tensor count changed from ${before} to ${after}`);
}

const BLASES: [label: string, blas: Blas | null, expected: string][] = [
  ["OpenBLAS", openOpenBlas(), "openblas sgemm"],
  ["wasm-simd", openWasmBlas(2), "built-in wasm-simd sgemm"],
];

for (const [label, blas, expected] of BLASES) {
  const ignore = blas === null;
  Deno.test({
    name:
      `${label}: registerFastKernels() matMul matches the stock kernel for all four transpose combinations`,
    ignore,
    fn: () =>
      withWasm(() => {
        const a = randn([37, 53]), b = randn([53, 29]), at = randn([53, 37]), bt = randn([29, 53]);
        compare(blas, "plain", () => tf.matMul(a, b));
        compare(blas, "transposeA", () => tf.matMul(at, b, true, false));
        compare(blas, "transposeB", () => tf.matMul(a, bt, false, true));
        compare(blas, "both", () => tf.matMul(at, bt, true, true));
        const x = randn([100, 256]), dy = randn([100, 512]);
        compare(blas, "paper-size weight gradient", () => tf.matMul(x, dy, true, false));
        tf.dispose([a, b, at, bt, x, dy]);
      }),
  });

  Deno.test({
    name:
      `${label}: registerFastKernels() matMul matches the stock kernel on batched shapes with and without transposes`,
    ignore,
    fn: () =>
      withWasm(() => {
        const a = randn([4, 6, 5]), b = randn([4, 5, 3]), at = randn([4, 5, 6]), bt = randn([4, 3, 5]);
        compare(blas, "batched", () => tf.matMul(a, b));
        compare(blas, "batched transposeA", () => tf.matMul(at, b, true, false));
        compare(blas, "batched transposeB", () => tf.matMul(a, bt, false, true));
        compare(blas, "batched both", () => tf.matMul(at, bt, true, true));
        const a4 = randn([2, 3, 6, 5]), b4 = randn([2, 3, 5, 4]);
        compare(blas, "rank 4", () => tf.matMul(a4, b4));
        tf.dispose([a, b, at, bt, a4, b4]);
      }),
  });

  Deno.test({
    name: `${label}: registerFastKernels() matMul broadcasts batch dimensions as tfjs does`,
    ignore,
    fn: () =>
      withWasm(() => {
        const a3 = randn([4, 6, 5]), b2 = randn([5, 3]), a2 = randn([6, 5]), b3 = randn([4, 5, 3]);
        const a1 = randn([1, 6, 5]), b2t = randn([3, 5]);
        compare(blas, "rank 3 × rank 2 (stacked into one sgemm)", () => tf.matMul(a3, b2));
        compare(blas, "rank 3 × rank 2, transposeB", () => tf.matMul(a3, b2t, false, true));
        compare(blas, "rank 2 × rank 3", () => tf.matMul(a2, b3));
        compare(blas, "batch 1 × batch 4", () => tf.matMul(a1, b3));
        const z = randn([10, 20, 64]), dict = randn([256, 64]);
        compare(blas, "decoder of J samples: [B, J, Z] · Aᵀ", () => tf.matMul(z, dict, false, true));
        tf.dispose([a3, b2, a2, b3, a1, b2t, z, dict]);
      }),
  });

  Deno.test({
    name:
      `${label}: registerFastKernels() matMul broadcasts [3, 1] against [1, 4] batch dimensions like an explicit tile`,
    ignore,
    fn: () =>
      withWasm(() => {
        // The stock wasm kernel flattens batch dimensions and cannot do this case; compare with tiled inputs.
        registerFastKernels({ blas });
        const a = randn([3, 1, 6, 5]), b = randn([1, 4, 5, 2]);
        const fast = tf.matMul(a, b);
        unregisterFastKernels();
        const tiled = tf.tidy(() => tf.matMul(tf.tile(a, [1, 4, 1, 1]), tf.tile(b, [3, 1, 1, 1])));
        assertClose(fast, tiled, "[3, 1] × [1, 4]");
        tf.dispose([a, b, fast, tiled]);
      }),
  });

  Deno.test({
    name:
      `${label}: registerFastKernels() fused matMul equals matMul + bias + activation for every transpose and activation`,
    ignore,
    fn: () =>
      withWasm(() => {
        // The reference is the unfused composition on stock kernels: the stock wasm _FusedMatMul itself adds the
        // bias wrongly when a transpose flag is set (tfjs 4.22), so it cannot serve as the reference there.
        const activations: Record<string, (x: tf.Tensor) => tf.Tensor> = {
          linear: (x) => x,
          relu: (x) => tf.relu(x),
          relu6: (x) => tf.relu6(x),
          sigmoid: (x) => tf.sigmoid(x),
          elu: (x) => tf.elu(x),
          leakyrelu: (x) => tf.leakyRelu(x, 0.2),
        };
        const bias = randn([20]), scalarBias = tf.scalar(0.5);
        for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
          const a = randn(tA ? [1, 40, 30] : [1, 30, 40]) as tf.Tensor3D,
            b = randn(tB ? [1, 20, 40] : [1, 40, 20]) as tf.Tensor3D;
          for (const [name, act] of Object.entries(activations)) {
            registerFastKernels({ blas });
            const fast = tf.fused.matMul({
              a,
              b,
              bias,
              activation: name as tf.fused.Activation,
              transposeA: tA,
              transposeB: tB,
            });
            unregisterFastKernels();
            const reference = tf.tidy(() => act(tf.add(tf.matMul(a, b, tA, tB), bias)));
            assertClose(fast, reference, `transposeA ${tA}, transposeB ${tB}, bias + ${name}`);
            tf.dispose([fast, reference]);
          }
          compare(blas, `transposeA ${tA}, transposeB ${tB}, no bias, relu`, () =>
            tf.fused.matMul({ a, b, activation: "relu", transposeA: tA, transposeB: tB }));
          registerFastKernels({ blas });
          const fast = tf.fused.matMul({ a, b, bias: scalarBias, transposeA: tA, transposeB: tB });
          unregisterFastKernels();
          const reference = tf.tidy(() =>
            tf.add(tf.matMul(a, b, tA, tB), scalarBias)
          );
          assertClose(fast, reference, `transposeA ${tA}, transposeB ${tB}, scalar bias`);
          tf.dispose([a, b, fast, reference]);
        }
        tf.dispose([bias, scalarBias]);
      }),
  });

  Deno.test({
    name: `${label}: registerFastKernels() gives the stock gradients through matMul and fused matMul`,
    ignore,
    fn: () =>
      withWasm(() => {
        const x = randn([16, 24]), w = randn([24, 12]), bias = randn([12]), w2 = randn([12, 8]);
        const loss = (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor, w2: tf.Tensor) => {
          const h = tf.relu(tf.add(tf.matMul(x, w), bias)); // [16, 12]
          const y = tf.fused.matMul({ a: h as tf.Tensor2D, b: w2 as tf.Tensor2D, activation: "relu" }); // [16, 8]
          return tf.sum(tf.square(y));
        };
        compare(blas, "grads", () => tf.grads(loss)([x, w, bias, w2]));
        tf.dispose([x, w, bias, w2]);
      }),
  });

  Deno.test({
    name:
      `${label}: registerFastKernels() is idempotent and unregisterFastKernels() restores the stock kernel`,
    ignore,
    fn: () =>
      withWasm(() => {
        const first = registerFastKernels({ blas });
        const second = registerFastKernels({ blas });
        if (first !== second || !first.startsWith(expected)) {
          throw new Error(`got "${first}", "${second}"`);
        }
        unregisterFastKernels();
        if (fastKernelsActive()) throw new Error("stock kernel not restored");
        unregisterFastKernels();
        if (!tf.getKernel("BatchMatMul", "wasm")) {
          throw new Error("BatchMatMul lost after a second unregister");
        }
      }),
  });

  Deno.test({
    name: `${label}: registerFastKernels() falls back to the stock kernel for int32 and zero-size products`,
    ignore,
    fn: () =>
      withWasm(() => {
        registerFastKernels({ blas });
        const empty = tf.tidy(() => tf.matMul(tf.zeros([0, 3]), tf.zeros([3, 2])));
        if (empty.shape.join() !== "0,2") throw new Error(`empty product has shape [${empty.shape}]`);
        let message = "";
        try {
          tf.tidy(() => tf.matMul(tf.zeros([2, 3], "int32"), tf.zeros([3, 2], "int32"))).dispose();
        } catch (e) {
          message = (e as Error).message;
        }
        if (!message.includes("float32")) {
          throw new Error(`int32 product did not reach the stock kernel: "${message}"`);
        }
        tf.dispose(empty);
      }),
  });
}

Deno.test("registerFastKernels() without FFI registers the fallback: transposed products equal stock", async () => {
  await useBackend("wasm");
  const cases: [number[], number[], boolean, boolean][] = [
    [[7, 5], [7, 3], true, false],
    [[7, 5], [3, 5], false, true],
    [[5, 7], [3, 5], true, true],
    [[2, 7, 5], [2, 3, 5], false, true],
    [[2, 5, 7], [1, 5, 3], true, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const a = randn(sa), b = randn(sb);
    unregisterFastKernels();
    const stock = tf.matMul(a, b, ta, tb);
    const described = registerFastKernels({ blas: null });
    if (!described.startsWith("fallback") || fastKernelsActive()) throw new Error(`got "${described}"`);
    const before = tf.memory().numTensors;
    const fallback = tf.matMul(a, b, ta, tb);
    // The transposed copies are freed: only the product is new.
    if (tf.memory().numTensors !== before + 1) throw new Error("the fallback leaked a tensor");
    assertClose(fallback, stock, `fallback [${sa}]${ta ? "ᵀ" : ""}·[${sb}]${tb ? "ᵀ" : ""}`);
    tf.dispose([a, b, stock, fallback]);
  }
  unregisterFastKernels();
});
