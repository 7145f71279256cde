import { assert, assertAlmostEquals, assertEquals } from "../testing/assert.ts";
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { hostCompute } from "../tensor/host.ts";
import { proximalLoops } from "../tensor/heap_kernels.ts";
import { extrapolateInto, fista } from "./fista.ts";
import { lasso, solveLasso } from "./lasso.ts";
import { matMul64, plantedCodes, randomUnitDictionary, transpose64 } from "./_testing.ts";

await useBackend("cpu");

/** Correlations C = (Y − B Aᵀ) A [B, K] in float64: the negative lasso gradient, row by row. */
function correlations(y: Float32Array, b: Float32Array, a: Float32Array, n: number, d: number, k: number) {
  const recon = matMul64(b, transpose64(a, d, k), n, k, d); // [B, D]
  const r = Float64Array.from(y, (v, i) => v - recon[i]);
  return matMul64(r, a, n, d, k); // [B, K]
}

Deno.test("fista() on the lasso meets the optimality (KKT) conditions after tight convergence", async () => {
  // Note: float32 tensors limit how well the conditions can hold; 2e-3·τ is ~100× the observed violation.
  const rng = new Rng(1);
  const [n, d, k, tau] = [8, 48, 64, 0.5];
  const aArr = randomUnitDictionary(rng.fork("A"), d, k);
  const yArr = rng.fork("Y").normalArray(n * d);
  const before = tf.memory().numTensors;
  const y = tf.tensor2d(yArr, [n, d]);
  const a = tf.tensor2d(aArr, [d, k]);
  const { codes, itstats } = await solveLasso(y, a, { tau, tol: 1e-7, maxIter: 20000 });
  const b = codes.dataSync() as Float32Array;
  const c = correlations(yArr, b, aArr, n, d, k);
  let active = 0;
  for (let i = 0; i < n * k; i++) {
    if (b[i] === 0) {
      assert(Math.abs(c[i]) <= tau * (1 + 2e-3), `inactive |c| = ${Math.abs(c[i])} exceeds τ`);
    } else {
      active++;
      assertAlmostEquals(c[i], tau * Math.sign(b[i]), 2e-3 * tau, "active correlation must equal τ·sign(b)");
    }
  }
  assert(active > 0 && active < n * k, `expected a sparse but non-zero solution, got ${active} active`);
  assert(itstats.iterations < 20000, "did not converge");
  tf.dispose([y, a, codes]);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("fista() on the lasso recovers a planted sparse code with a random unit-norm dictionary", async () => {
  // Noise-free y = A z with 3 of 64 atoms active (|z| in [1, 2]); with τ = 1e-3 the lasso bias is ~1e-3, so
  // the support is found exactly and values agree to 2e-2.
  const rng = new Rng(2);
  const [n, d, k, tau] = [16, 64, 64, 1e-3];
  const aArr = randomUnitDictionary(rng.fork("A"), d, k);
  const zArr = plantedCodes(rng.fork("Z"), n, k, 3);
  const yArr = Float32Array.from(matMul64(zArr, transpose64(aArr, d, k), n, k, d));
  const y = tf.tensor2d(yArr, [n, d]);
  const a = tf.tensor2d(aArr, [d, k]);
  const { codes } = await solveLasso(y, a, { tau, tol: 1e-6, maxIter: 5000 });
  const b = codes.dataSync();
  for (let i = 0; i < n * k; i++) {
    assertEquals(Math.abs(b[i]) > 0.05, zArr[i] !== 0, `support differs at row ${Math.floor(i / k)}`);
    assertAlmostEquals(b[i], zArr[i], 2e-2);
  }
  tf.dispose([y, a, codes]);
});

Deno.test("fista() reports objective = dataFit + τ·l1, matching an independent float64 evaluation", async () => {
  const rng = new Rng(3);
  const [n, d, k, tau] = [5, 16, 24, 0.3];
  const aArr = randomUnitDictionary(rng.fork("A"), d, k);
  const yArr = rng.fork("Y").normalArray(n * d);
  const y = tf.tensor2d(yArr, [n, d]);
  const a = tf.tensor2d(aArr, [d, k]);
  const { codes, itstats } = await solveLasso(y, a, { tau });
  const b = codes.dataSync();
  const recon = matMul64(b, transpose64(aArr, d, k), n, k, d);
  let dataFit = 0;
  for (let i = 0; i < n * d; i++) dataFit += 0.5 * (yArr[i] - recon[i]) ** 2;
  let l1 = 0;
  for (const v of b) l1 += Math.abs(v);
  assertAlmostEquals(itstats.dataFit, dataFit, 1e-4 * dataFit);
  assertAlmostEquals(itstats.l1, l1, 1e-4 * l1);
  assertAlmostEquals(itstats.objective, itstats.dataFit + tau * itstats.l1, 1e-9);
  assert(itstats.relativeChange <= 1e-3 || itstats.iterations === 500, "stopping rule violated");
  tf.dispose([y, a, codes]);
});

Deno.test("fista() stops at maxIter and leaves no tensors behind", async () => {
  const rng = new Rng(4);
  const [n, d, k] = [4, 8, 12];
  const y = tf.tensor2d(rng.normalArray(n * d), [n, d]);
  const a = tf.tensor2d(randomUnitDictionary(rng, d, k), [d, k]);
  const before = tf.memory().numTensors;
  const problem = await lasso(y, a, 0.1);
  const { x, itstats } = await fista(problem, { maxIter: 3, tol: 0 });
  assertEquals(itstats.iterations, 3);
  x.dispose();
  problem.dispose();
  assertEquals(tf.memory().numTensors, before);
  tf.dispose([y, a]);
});

Deno.test("fista() follows the reference recursion step by step (ISTA step, then momentum)", async () => {
  // Two iterations by hand with A = 2·I (L = 4), y = [4, 1], τ = 2 (threshold τ/L = 0.5):
  // x0 = Aᵀy = [8, 2]; x1 = soft(x0 − (1/4)·Aᵀ(A x0 − y), 0.5) = soft([1, 0.25]… ) computed below.
  const y = tf.tensor2d([[4, 1]]);
  const a = tf.tensor2d([[2, 0], [0, 2]]);
  const problem = await lasso(y, a, 2);
  const r1 = await fista(problem, { maxIter: 1, tol: 0 });
  // grad at z = x0: Aᵀ(A x0 − y) = 2·([16, 4] − [4, 1]) = [24, 6]; v = [8, 2] − [6, 1.5] = [2, 0.5]; x1 = [1.5, 0]
  assertEquals(Array.from(r1.x.dataSync()), [1.5, 0]);
  // t2 = (1 + √5)/2, momentum (t1 − 1)/t2 = 0, so z2 = x1; x2 = soft(x1 − (1/4)·2·(2x1 − y), 0.5)
  const r2 = await fista(problem, { maxIter: 2, tol: 0 });
  // grad at [1.5, 0]: 2·([3, 0] − [4, 1]) = [−2, −2]; v = [2, 0.5]; x2 = [1.5, 0] (the fixed point)
  assertEquals(Array.from(r2.x.dataSync()), [1.5, 0]);
  assertEquals(r2.itstats.relativeChange, 0);
  tf.dispose([r1.x, r2.x, y, a]);
  problem.dispose();
});

Deno.test("fista() matches a float64 Beck–Teboulle reference iterate by iterate once the momentum is non-zero", async () => {
  // The hand example above reaches its fixed point before (t_k − 1)/t_{k+1} leaves 0, so it cannot see the
  // momentum. Here A has unequal curvatures (L = 5 given ≥ ‖A‖₂² ≈ 4.45) and x keeps moving for 12 iterations; each
  // iterate is compared with the reference recursion x_k = soft(z_k − (1/L)Aᵀ(A z_k − y), τ/L),
  // t_{k+1} = (1 + √(1 + 4t_k²))/2, z_{k+1} = x_k + ((t_k − 1)/t_{k+1})(x_k − x_{k−1}), x₀ = z₁ = Aᵀy.
  const [d, k, L, tau] = [3, 2, 5, 0.3];
  const aArr = [2, 0.5, 0, 1, 0.3, 0.2]; // [D, K]
  const yArr = [[1, 2, -1], [-0.5, 0.3, 2]];
  const reference = (steps: number, withMomentum: boolean) =>
    yArr.map((yr) => {
      const atv = (v: number[]) =>
        Array.from({ length: k }, (_, j) => v.reduce((s, vi, p) => s + aArr[p * k + j] * vi, 0));
      let x = atv(yr), z = x.slice(), t = 1;
      for (let it = 0; it < steps; it++) {
        const r = Array.from({ length: d }, (_, p) =>
          z.reduce((s, zj, j) => s + aArr[p * k + j] * zj, 0) - yr[p]);
        const g = atv(r);
        const xn = z.map((zj, j) => {
          const v = zj - g[j] / L;
          return Math.sign(v) * Math.max(Math.abs(v) - tau / L, 0);
        });
        const tn = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
        const m = withMomentum ? (t - 1) / tn : 0;
        z = xn.map((v, j) =>
          v + m * (v - x[j])
        );
        [x, t] = [xn, tn];
      }
      return x;
    }).flat();
  const y = tf.tensor2d(yArr);
  const a = tf.tensor2d(aArr, [d, k]);
  const problem = await lasso(y, a, tau, { lipschitz: L });
  let momentumShows = 0;
  for (const steps of [1, 2, 3, 5, 8, 12]) {
    const want = reference(steps, true);
    const ista = reference(steps, false);
    momentumShows = Math.max(momentumShows, ...want.map((v, i) => Math.abs(v - ista[i])));
    for (const [path, p] of [["host", problem], ["ops", { ...problem, proxGHost: undefined }]] as const) {
      const { x, itstats } = await fista(p, { maxIter: steps, tol: 0 });
      assertEquals(itstats.iterations, steps, `${path}: ran to maxIter`);
      const got = x.dataSync();
      want.forEach((v, i) => assertAlmostEquals(got[i], v, 1e-5, `${path}, iteration ${steps}, x[${i}]`));
      x.dispose();
    }
  }
  assert(
    momentumShows > 1e-2,
    `FISTA and ISTA iterates differ by only ${momentumShows}: the test cannot see the momentum`,
  );
  problem.dispose();
  tf.dispose([y, a]);
});

Deno.test("fista() returns exact zeros when τ ≥ ‖Aᵀy‖∞ and reports the reference iteration count", async () => {
  const y = tf.tensor2d([[0.1, -0.2]]);
  const a = tf.tensor2d([[1, 0], [0, 1]]);
  const { codes, itstats } = await solveLasso(y, a, { tau: 1 });
  assertEquals(Array.from(codes.dataSync()), [0, 0]);
  assertEquals(itstats.iterations, 500);
  assert(Number.isNaN(itstats.relativeChange), "0/0 must stay NaN as in numpy");
  tf.dispose([y, a, codes]);
});

Deno.test("fista() solves any ProximalProblem given only gradF and proxG (denoising: the answer is soft(c, τ))", async () => {
  // min_x ½‖x − c‖² + τ‖x‖₁ has the closed-form solution soft(c, τ); L = 1.
  const c = tf.tensor2d([[3, -0.2, -4, 0.7]]);
  const tau = 0.5;
  const problem = {
    lipschitz: 1,
    start: () => tf.zerosLike(c) as tf.Tensor2D,
    gradF: (z: tf.Tensor2D) => tf.sub(z, c) as tf.Tensor2D,
    proxG: (v: tf.Tensor2D, step: number) =>
      tf.tidy(() => tf.sub(v, tf.clipByValue(v, -tau * step, tau * step))) as tf.Tensor2D,
    terms: () => Promise.resolve({ objective: 0, dataFit: 0, l1: 0 }),
  };
  const { x } = await fista(problem, { tol: 1e-9 });
  const got = x.dataSync();
  [2.5, 0, -3.5, 0.2].forEach((v, i) => assertAlmostEquals(got[i], v, 1e-6));
  tf.dispose([x, c]);
});

Deno.test("fista()'s host step (prox, momentum and norms in one pass) equals the tensor step, on cpu and wasm", async () => {
  const rng = new Rng(4);
  const [n, d, k] = [8, 32, 48];
  const aArr = randomUnitDictionary(rng.fork("A"), d, k);
  const yArr = rng.fork("Y").normalArray(n * d);
  for (const backend of ["cpu", "wasm"] as const) {
    await useBackend(backend);
    const y = tf.tensor2d(yArr, [n, d]), a = tf.tensor2d(aArr, [d, k]);
    const problem = await lasso(y, a, 0.3);
    const host = await fista(problem, { tol: 1e-5, maxIter: 300 });
    const ops = await fista({ ...problem, proxGHost: undefined }, { tol: 1e-5, maxIter: 300 });
    assert(Math.abs(host.itstats.iterations - ops.itstats.iterations) <= 1, `iterations on ${backend}`);
    const [hx, ox] = [host.x.dataSync(), ops.x.dataSync()];
    for (let i = 0; i < hx.length; i++) assertAlmostEquals(hx[i], ox[i], 1e-4, `x[${i}] on ${backend}`);
    tf.dispose([host.x, ops.x, y, a]);
    problem.dispose();
  }
  await useBackend("cpu");
});

Deno.test("extrapolateInto() on views of the wasm heap (the SIMD loop) equals the JavaScript loop bit for bit", async () => {
  await useBackend("wasm");
  const rng = new Rng(12);
  const m = 0.7236067977499789; // a FISTA momentum (t₂ − 1)/t₃, not a float32 value
  for (const n of [1, 3, 4, 5, 1027]) {
    const draw = () => Float32Array.from({ length: n }, () => rng.normal() * 10 ** (rng.next() * 4 - 2));
    const [xs, olds] = [draw(), draw()];
    const expectedZ = new Float32Array(n);
    const expectedNorms = extrapolateInto(xs, olds, m, expectedZ); // plain arrays: the JavaScript loop
    const [x, old] = [tf.tensor1d(xs), tf.tensor1d(olds)];
    let norms: [number, number] = [NaN, NaN];
    const [z] = hostCompute([x, old], [[n]], ([xv, ov], [zv]) => {
      assert(proximalLoops(xv, ov, zv) !== null, "heap views take the SIMD loop");
      norms = extrapolateInto(xv, ov, m, zv);
    });
    assertEquals(
      new Uint32Array((await z.data() as Float32Array).buffer),
      new Uint32Array(expectedZ.buffer),
      `z, n = ${n}`,
    );
    assertEquals(norms, expectedNorms, `norms, n = ${n}`);
    // the norms are the float64 sums, to rounding
    let [dd, oo] = [0, 0];
    for (let i = 0; i < n; i++) [dd, oo] = [dd + (xs[i] - olds[i]) ** 2, oo + olds[i] ** 2];
    assertAlmostEquals(norms[0], dd, 1e-12 * dd);
    assertAlmostEquals(norms[1], oo, 1e-12 * oo);
    tf.dispose([x, old, z]);
  }
  await useBackend("cpu");
});
