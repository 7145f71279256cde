/**
 * The latent layer: forward values, the exact gradient semantics of protocol §2.5 / 2.6 on tiny tensors (both
 * implementations), the two implementations against each other, KL assembly, and tensor hygiene.
 * Tolerances: 1e-5 (float32 vs float64 evaluation of the same formula); 5 binomial standard errors for
 * sampled frequencies (fixed seeds).
 */
import { tf } from "../tensor/tf.ts";
import { useBackend } from "../tensor/backend.ts";
import { Rng } from "../tensor/rng.ts";
import { klDivergence } from "./kl.ts";
import { Gamma } from "./priors/gamma.ts";
import {
  defaultLatentSpec,
  headNames,
  latentKl,
  type LatentParams,
  type LatentSample,
  type LatentSpec,
  sampleLatent,
  type Schedule,
} from "./latent.ts";
import { sampleLatentGraph } from "./_latent_graph.ts";
import { sampleLatentFused } from "./_latent_fused.ts";
import { drawLatentNoise } from "./_latent_noise.ts";
import { gammaKlFused } from "./_gamma_kl_fused.ts";
import { baseKlFused } from "./_base_kl_fused.ts";
import { baseKl } from "./latent_kl.ts";
import { assertAllClose, assertClose, meanSe, values } from "./_testing.ts";

await useBackend("cpu");

const [B, J, K] = [2, 3, 4];
const sched: Schedule = { warmup: 0.3, temperature: 0.7 };
const impls = { graph: sampleLatentGraph, fused: sampleLatentFused };
type Impl = typeof sampleLatentGraph;

function heads(spec: LatentSpec, seed = 1): LatentParams {
  const r = new Rng(seed);
  const t = (lo: number, hi: number) => tf.tensor2d(r.uniformArray(B * K, lo, hi), [B, K]);
  const p: LatentParams = { mu: t(-1, 1), logscale: spec.prior === "laplace" ? t(-1, 1) : t(-1, 1.5) };
  if (spec.prior === "spike_slab") p.spike = t(-2, 0.5);
  if (spec.threshold === "learned") (p.logAlpha = t(0, 2)), (p.logBeta = t(0, 1));
  return p;
}

/** z and the gradients of Σ c⊙z with respect to each head. */
function run(impl: Impl, p: LatentParams, spec: LatentSpec, seed = 5) {
  const names = headNames(spec);
  const c = tf.tensor2d(new Rng(99).uniformArray(B * J * K, -1, 1), [B * J, K]);
  let z = new Float64Array(), kl = new Float64Array(), lambdaMean: number | undefined;
  const f = (...xs: tf.Tensor[]) => {
    const q = Object.fromEntries(names.map((n, i) => [n, xs[i]])) as unknown as LatentParams;
    const out: LatentSample = impl(q, spec, J, new Rng(seed), sched);
    z = Float64Array.from(out.z.dataSync());
    kl = Float64Array.from(out.kl.dataSync());
    lambdaMean = out.lambdaMean;
    return tf.sum(tf.mul(out.z, c));
  };
  const grads = tf.grads(f)(names.map((n) => p[n]!));
  return {
    z,
    kl,
    lambdaMean,
    c: c.dataSync(),
    grads: Object.fromEntries(names.map((n, i) => [n, values(grads[i])])),
  };
}

function expectedThresholded(p: LatentParams, spec: LatentSpec, seed = 5) {
  const noise = drawLatentNoise(spec, B * J * K, new Rng(seed));
  const mu = p.mu.dataSync(), ls = p.logscale.dataSync();
  const c = new Rng(99).uniformArray(B * J * K, -1, 1);
  const gaussian = spec.prior === "gaussian", w = gaussian ? 1 : sched.warmup, e = gaussian ? 0.5 : 1;
  const z = new Float64Array(B * J * K), gMu = new Float64Array(B * K), gLs = new Float64Array(B * K);
  let nActive = 0;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < J; j++) {
      for (let k = 0; k < K; k++) {
        const h = b * K + k, i = (b * J + j) * K + k;
        const n = w * Math.exp(e * ls[h]) * noise.base[i];
        const active = spec.threshold === "none" || Math.abs(n) > spec.lambda ? 1 : 0;
        nActive += active;
        z[i] = spec.threshold === "none"
          ? mu[h] + n
          : active
          ? mu[h] + Math.sign(n) * (Math.abs(n) - spec.lambda)
          : 0;
        const straight = spec.estimator === "straight" && spec.threshold !== "none";
        gMu[h] += c[i] * (straight ? 1 + active : active); // protocol §2.5: 2 active / 1 inactive (ST); [active] (SG)
        gLs[h] += c[i] * (straight ? 1 : active) * e * n; // plain reparameterisation path (ST: on all entries)
      }
    }
  }
  return { z, gMu, gLs, nActive };
}

const fixedSpecs: LatentSpec[] = [];
for (const prior of ["gaussian", "laplace"] as const) {
  for (const estimator of ["straight", "subgradient"] as const) {
    fixedSpecs.push({
      ...defaultLatentSpec,
      prior,
      threshold: "fixed",
      lambda: prior === "gaussian" ? 0.52 : 0.25,
      estimator,
    });
  }
  fixedSpecs.push({ ...defaultLatentSpec, prior, threshold: "none" });
}

for (const spec of fixedSpecs) {
  for (const [implName, impl] of Object.entries(impls)) {
    Deno.test(`sampleLatent() (${implName}) for ${spec.prior}/${spec.threshold}/${spec.estimator} gives T_λ(s) and the protocol §2.5 gradients`, () => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const p = heads(spec);
        const got = run(impl, p, spec);
        const want = expectedThresholded(p, spec);
        if (spec.threshold !== "none" && (want.nActive === 0 || want.nActive === B * J * K)) {
          throw new Error("test needs both cases");
        }
        assertAllClose(got.z, want.z, 1e-5, 1e-5, "z");
        for (let i = 0; i < want.z.length; i++) {
          if ((want.z[i] === 0) !== (got.z[i] === 0)) throw new Error(`exact zero at ${i}`);
        }
        assertAllClose(got.grads.mu, want.gMu, 1e-5, 1e-5, "∂/∂μ");
        assertAllClose(got.grads.logscale, want.gLs, 1e-5, 1e-5, "∂/∂logscale");
      });
      if (tf.memory().numTensors !== before) throw new Error("leak");
    });
  }
}

const pairSpecs: LatentSpec[] = [
  { ...defaultLatentSpec, prior: "gaussian", threshold: "learned", lambda: 0.52 },
  { ...defaultLatentSpec, prior: "laplace", threshold: "learned", lambda: 0.25 },
  { ...defaultLatentSpec, prior: "laplace", threshold: "learned", lambda: 0.25, estimator: "subgradient" },
  { ...defaultLatentSpec, prior: "spike_slab", threshold: "none" },
];
for (const spec of pairSpecs) {
  Deno.test(`sampleLatent()'s fused and graph implementations agree for ${spec.prior}/${spec.threshold}/${spec.estimator}`, () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const p = heads(spec);
      const a = run(sampleLatentGraph, p, spec), b = run(sampleLatentFused, p, spec);
      assertAllClose(b.z, a.z, 1e-5, 1e-5, "z");
      for (const name of headNames(spec)) {
        assertAllClose(b.grads[name], a.grads[name], 1e-4, 1e-4, `∂/∂${name}`);
      }
      if (spec.threshold === "learned") assertClose(b.lambdaMean!, a.lambdaMean!, 1e-5, 1e-5, "lambdaMean");
      assertAllClose(b.kl, a.kl, 1e-6, 1e-6, "kl");
    });
    if (tf.memory().numTensors !== before) throw new Error("leak");
  });
}

for (const spec of pairSpecs) {
  Deno.test(`sampleLatent()'s fused implementation on wasm (heap views) agrees with the graph on cpu for ${spec.prior}/${spec.threshold}/${spec.estimator}`, async () => {
    let reference!: ReturnType<typeof run>, onWasm!: ReturnType<typeof run>;
    tf.tidy(() => void (reference = run(sampleLatentGraph, heads(spec), spec)));
    await useBackend("wasm");
    try {
      const before = tf.memory().numTensors;
      tf.tidy(() => void (onWasm = run(sampleLatentFused, heads(spec), spec)));
      assertAllClose(onWasm.z, reference.z, 1e-5, 1e-5, "z");
      for (const name of headNames(spec)) {
        assertAllClose(onWasm.grads[name], reference.grads[name], 1e-4, 1e-4, `∂/∂${name}`);
      }
      if (tf.memory().numTensors !== before) throw new Error("leak on wasm");
    } finally {
      await useBackend("cpu");
    }
  });
}

Deno.test("sampleLatent() with a learned λ sends −sign(n)·sign(λ) to λ on active entries: ∂z/∂ln β = sign(n)·λ", () => {
  tf.tidy(() => {
    const spec: LatentSpec = { ...defaultLatentSpec, prior: "laplace", threshold: "learned" };
    const p = heads(spec);
    const got = run(sampleLatentFused, p, spec);
    // λ = x/β ⇒ ∂λ/∂ln β = −λ and ∂z/∂λ = −sign(n) ⇒ ∂z/∂ln β = sign(n)·λ = sign(z − μ)·λ on active entries.
    // Recover λ from the forward value: |z − μ| = |n| − λ, with n from the shared noise.
    const noise = drawLatentNoise(spec, B * J * K, new Rng(5));
    const mu = p.mu.dataSync(), ls = p.logscale.dataSync();
    const want = new Float64Array(B * K);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < J; j++) {
        for (let k = 0; k < K; k++) {
          const h = b * K + k, i = (b * J + j) * K + k;
          if (got.z[i] === 0) continue;
          const n = sched.warmup * Math.exp(ls[h]) * noise.base[i];
          const lambda = Math.abs(n) - Math.abs(got.z[i] - mu[h]);
          want[h] += got.c[i] * Math.sign(n) * lambda;
        }
      }
    }
    assertAllClose(got.grads.logBeta, want, 1e-5, 1e-4, "∂/∂ln β");
  });
});

Deno.test("sampleLatent() for the spike-and-slab selects with probability γ/(1 + γ) (ln γ used as the logit, protocol §2.6)", () => {
  tf.tidy(() => {
    const spec: LatentSpec = { ...defaultLatentSpec, prior: "spike_slab", threshold: "none" };
    const gamma = 0.3, [b, k] = [50, 40];
    const p: LatentParams = {
      mu: tf.fill([b, k], 1) as tf.Tensor2D,
      logscale: tf.fill([b, k], -2) as tf.Tensor2D,
      spike: tf.fill([b, k], Math.log(gamma)) as tf.Tensor2D,
    };
    const on = values(sampleLatent(p, spec, 20, new Rng(3), { warmup: 1, temperature: 0.5 }).z).map((
      v,
    ) => (v !== 0 ? 1 : 0));
    const m = meanSe(on);
    assertClose(m.mean, gamma / (1 + gamma), 5 * m.se);
  });
});

Deno.test("sampleLatent()'s KL is the base KL plus gammaKlWeight·KL_Gamma, summed over latents", () => {
  tf.tidy(() => {
    const spec: LatentSpec = { ...defaultLatentSpec, prior: "gaussian", threshold: "learned", lambda: 0.52 };
    const p = heads(spec);
    const out = sampleLatent(p, spec, J, new Rng(0), sched);
    const base = latentKl(p, { ...spec, threshold: "fixed" });
    const gamma = klDivergence(new Gamma(tf.exp(p.logAlpha!), tf.exp(p.logBeta!)), new Gamma(3, 3 / 0.52));
    assertAllClose(
      out.klPerLatent.dataSync(),
      values(tf.add(base, tf.mul(gamma, 0.1))),
      1e-5,
      1e-5,
      "klPerLatent",
    );
    assertAllClose(out.kl.dataSync(), values(tf.sum(out.klPerLatent, 1)), 1e-5, 1e-6, "kl");
    if (out.z.shape.join() !== `${B * J},${K}` || out.klPerLatent.shape.join() !== `${B},${K}`) {
      throw new Error("shapes");
    }
  });
});

Deno.test("the fused Gamma KL equals the registry's Gamma KL: values and gradients in both heads, across the clip range", () => {
  // Heads from deep inside to beyond both clip edges (|h| > ln 1e6 ≈ 13.8: clipped, zero gradient).
  const hA = tf.tensor2d([[-15, -3, -0.5, 0, 0.7, 2, 5, 15]]);
  const hB = tf.tensor2d([[0.3, 15, -1, 2.5, -15, 0, 1, -2]]);
  const [shape0, rate0] = [3, 3 / 0.25];
  const graph = (a: tf.Tensor, b: tf.Tensor) => {
    const alpha = tf.clipByValue(tf.exp(a), 1e-6, 1e6), beta = tf.clipByValue(tf.exp(b), 1e-6, 1e6);
    return klDivergence(new Gamma(alpha, beta), new Gamma(shape0, rate0)) as tf.Tensor;
  };
  const fused = (a: tf.Tensor, b: tf.Tensor) =>
    gammaKlFused(a as tf.Tensor2D, b as tf.Tensor2D, shape0, rate0);
  tf.tidy(() => {
    // The graph evaluates lgamma/digamma by float32 series: agreement to ~1e-5 relative (1e-4 for the
    // gradient, whose trigamma the graph gets by differentiating its digamma series).
    assertAllClose(values(fused(hA, hB)), values(graph(hA, hB)), 1e-4, 1e-5, "KL");
    const [gfA, gfB] = tf.grads((a, b) => tf.sum(fused(a, b)))([hA, hB]);
    const [ggA, ggB] = tf.grads((a, b) => tf.sum(graph(a, b)))([hA, hB]);
    assertAllClose(values(gfA), values(ggA), 1e-4, 1e-4, "∂KL/∂h_α");
    assertAllClose(values(gfB), values(ggB), 1e-4, 1e-4, "∂KL/∂h_β");
  });
});

for (const prior of ["gaussian", "laplace", "spike_slab"] as const) {
  Deno.test(`the fused base KL equals the registry's for ${prior}: values and gradients in every head`, () => {
    const spec: LatentSpec = { ...defaultLatentSpec, prior };
    // μ through 0 (the Laplace kink, sgn(0) = −1 as tfjs's abs gradient), scales small to large, spike heads
    // below and above 0 and beyond ln ε (γ clipped: no gradient).
    const mu = tf.tensor2d([[-2, -0.3, 0, 0, 0.05, 0.4, 1.5, 3]]);
    const s = tf.tensor2d([[-4, -1, 0.2, -2.3, 0, 1, 2.5, -0.7]]);
    const h = tf.tensor2d([[-20, -3, -0.5, 0, 0.7, -1e-7, -8, -0.01]]);
    const args = prior === "spike_slab" ? [mu, s, h] : [mu, s];
    const pack = (t: tf.Tensor[]): LatentParams => ({
      mu: t[0] as tf.Tensor2D,
      logscale: t[1] as tf.Tensor2D,
      spike: t[2] as tf.Tensor2D | undefined,
    });
    tf.tidy(() => {
      assertAllClose(
        values(baseKlFused(pack(args), spec)),
        values(baseKl(pack(args), spec)),
        1e-5,
        1e-5,
        "KL",
      );
      const gf = tf.grads((...t: tf.Tensor[]) => tf.sum(baseKlFused(pack(t), spec)))(args);
      const gg = tf.grads((...t: tf.Tensor[]) => tf.sum(baseKl(pack(t), spec)))(args);
      gf.forEach((g, i) =>
        assertAllClose(values(g), values(gg[i]), 1e-5, 1e-5, `∂KL/∂${["μ", "s", "h"][i]}`)
      );
    });
    tf.dispose(args);
  });
}

Deno.test("sampleLatent() reports the mean sampled threshold when λ is learned", () => {
  tf.tidy(() => {
    const spec: LatentSpec = { ...defaultLatentSpec, threshold: "learned" };
    const p: LatentParams = {
      mu: tf.zeros([100, 20]) as tf.Tensor2D,
      logscale: tf.zeros([100, 20]) as tf.Tensor2D,
      logAlpha: tf.fill([100, 20], Math.log(3)) as tf.Tensor2D,
      logBeta: tf.fill([100, 20], Math.log(12)) as tf.Tensor2D,
    };
    const out = sampleLatent(p, spec, 10, new Rng(1), sched);
    assertClose(out.lambdaMean!, 0.25, 5 * Math.sqrt(3 / 144 / 20000)); // mean α/β, sd √α/β over 20,000 draws
  });
});

Deno.test("sampleLatent() leaves no tensors behind inside tidy, with and without a gradient", () => {
  for (const spec of [...fixedSpecs, ...pairSpecs]) {
    const p = heads(spec);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      sampleLatent(p, spec, J, new Rng(0), sched);
    });
    tf.tidy(() => {
      tf.grad((mu: tf.Tensor) =>
        tf.sum(sampleLatent({ ...p, mu: mu as tf.Tensor2D }, spec, J, new Rng(0), sched).z)
      )(p.mu);
    });
    if (tf.memory().numTensors !== before) throw new Error(`leak for ${spec.prior}/${spec.threshold}`);
    tf.dispose(Object.values(p));
  }
});

Deno.test("sampleLatent() explains invalid arguments", () => {
  tf.tidy(() => {
    const p = heads(defaultLatentSpec);
    const cases: [() => unknown, string][] = [
      [
        () => sampleLatent(p, { ...defaultLatentSpec, prior: "spike_slab" }, J, new Rng(0), sched),
        'prior "spike_slab" takes no threshold',
      ],
      [
        () => sampleLatent(p, { ...defaultLatentSpec, threshold: "learned" }, J, new Rng(0), sched),
        'head "logAlpha" is required',
      ],
      [
        () =>
          sampleLatent(
            { ...p, logscale: tf.zeros([2, 3]) as tf.Tensor2D },
            defaultLatentSpec,
            J,
            new Rng(0),
            sched,
          ),
        'head "logscale" must have shape [2,4]',
      ],
      [() => sampleLatent(p, defaultLatentSpec, 0, new Rng(0), sched), "J must be a positive integer"],
    ];
    for (const [f, text] of cases) {
      let message = "";
      try {
        f();
      } catch (e) {
        message = (e as Error).message;
      }
      if (!message.startsWith("Cannot sample latent") || !message.includes(text)) {
        throw new Error(`expected "${text}", got "${message}"`);
      }
    }
  });
});

Deno.test("headNames() lists the heads each spec needs", () => {
  const names = (s: Partial<LatentSpec>) => headNames({ ...defaultLatentSpec, ...s }).join();
  if (names({ prior: "gaussian", threshold: "none" }) !== "mu,logscale") throw new Error("gaussian");
  if (names({ prior: "spike_slab", threshold: "none" }) !== "mu,logscale,spike") {
    throw new Error("spike_slab");
  }
  if (names({ threshold: "learned" }) !== "mu,logscale,logAlpha,logBeta") throw new Error("learned");
});
