/**
 * Closed-form KL divergences KL(q ‖ p), in one registry keyed by the (q, p) kinds (after torch's
 * `register_kl`). Each pair cites its source; all are elementwise over the broadcast batch shape and run
 * inside `tf.tidy`.
 *
 * @module
 */
import { tf } from "../tensor/tf.ts";
import { digamma, lgamma } from "../tensor/ops.ts";
import type { Distribution } from "./priors/_distribution.ts";
import { _asTensor } from "./priors/_distribution.ts";
import type { Gaussian } from "./priors/gaussian.ts";
import type { Laplace } from "./priors/laplace.ts";
import type { Gamma } from "./priors/gamma.ts";
import type { SpikeSlab } from "./priors/spike_slab.ts";
import type { ThresholdedLaplace } from "./priors/thresholded.ts";

// deno-lint-ignore no-explicit-any
type KlFn = (q: any, p: any) => tf.Tensor;

const registry = new Map<string, KlFn>();
const pairKey = (q: string, p: string) => `${q}‖${p}`;

/**
 * Register the closed form of KL(q ‖ p) for distributions of kinds `qKind` and `pKind`.
 *
 * @example
 * ```ts
 * import { registeredKlPairs } from "./kl.ts";
 * if (!registeredKlPairs().includes("gaussian‖gaussian")) throw new Error("built-in pair missing");
 * ```
 */
export function registerKl<Q extends Distribution, P extends Distribution>(
  qKind: string,
  pKind: string,
  fn: (q: Q, p: P) => tf.Tensor,
): void {
  registry.set(pairKey(qKind, pKind), fn);
}

/**
 * The registered pairs, as "q‖p" strings.
 *
 * @example
 * ```ts
 * import { registeredKlPairs } from "./kl.ts";
 * if (registeredKlPairs().length < 4) throw new Error("expected the four paper pairs");
 * ```
 */
export function registeredKlPairs(): string[] {
  return [...registry.keys()].sort();
}

/**
 * KL(q ‖ p), elementwise. Throws a `TypeError` naming the pair when no closed form is registered.
 *
 * @example
 * ```ts
 * import { useBackend } from "../tensor/backend.ts";
 * await useBackend("cpu");
 * import { klDivergence } from "./kl.ts";
 * import { Gaussian } from "./priors/gaussian.ts";
 * const kl = klDivergence(Gaussian.withVariance(0, 0.1), Gaussian.withVariance(0, 0.1)).dataSync()[0];
 * if (Math.abs(kl) > 1e-6) throw new Error("KL(p ‖ p) = 0");
 * ```
 */
export function klDivergence(q: Distribution, p: Distribution): tf.Tensor {
  const fn = registry.get(pairKey(q.kind, p.kind));
  if (!fn) {
    throw new TypeError(
      `Cannot compute klDivergence: no closed form registered for q "${q.kind}" and p "${p.kind}"; registered pairs are ${
        registeredKlPairs().map((k) => `"${k}"`).join(", ")
      }`,
    );
  }
  return tf.tidy(() => fn(q, p));
}

// From Kingma & Welling (2014) App. B, general means and variances; with μ₂ = 0, σ₂² = v₀ it is protocol §2.2 /
// Fallah & Rozell App. B: −½(1 + ln σ₁² − ln v₀) + ½(μ₁² + σ₁²)/v₀.
registerKl<Gaussian, Gaussian>("gaussian", "gaussian", (q, p) => {
  const lv1 = _asTensor(q.logVariance), lv2 = _asTensor(p.logVariance);
  const t1 = tf.sub(lv2, lv1);
  const t2 = tf.div(tf.add(tf.exp(lv1), tf.square(tf.sub(_asTensor(q.loc), _asTensor(p.loc)))), tf.exp(lv2));
  return tf.mul(tf.add(t1, tf.sub(t2, 1)), 0.5);
});

// From Meyer (2021), "An alternative probabilistic interpretation of the Huber loss", eq. for Laplace KL:
// ln(b₂/b₁) + |μ₁ − μ₂|/b₂ + (b₁/b₂)·exp(−|μ₁ − μ₂|/b₁) − 1; with μ₂ = 0, b₂ = b₀ it is protocol §2.3.
registerKl<Laplace, Laplace>("laplace", "laplace", (q, p) => {
  const logB1 = _asTensor(q.logScale), logB2 = _asTensor(p.logScale);
  const b1 = tf.exp(logB1), b2 = tf.exp(logB2);
  const dist = tf.abs(tf.sub(_asTensor(q.loc), _asTensor(p.loc)));
  const t1 = tf.sub(logB2, logB1);
  const t2 = tf.div(dist, b2);
  const t3 = tf.mul(tf.div(b1, b2), tf.exp(tf.neg(tf.div(dist, b1))));
  return tf.sub(tf.add(t1, tf.add(t2, t3)), 1);
});

// From torch.distributions.kl `_kl_gamma_gamma` (PyTorch 1.10), as protocol §2.4:
// α₂ ln(β₁/β₂) + ln Γ(α₂) − ln Γ(α₁) + (α₁ − α₂)ψ(α₁) + (β₂ − β₁)·α₁/β₁  (rate parameterisation).
registerKl<Gamma, Gamma>("gamma", "gamma", (q, p) => {
  const a1 = _asTensor(q.concentration), b1 = _asTensor(q.rate);
  const a2 = _asTensor(p.concentration), b2 = _asTensor(p.rate);
  const t1 = tf.mul(a2, tf.log(tf.div(b1, b2)));
  const t2 = tf.sub(lgamma(a2), lgamma(a1));
  const t3 = tf.mul(tf.sub(a1, a2), digamma(a1));
  const t4 = tf.mul(tf.sub(b2, b1), tf.div(a1, b1));
  return tf.add(tf.add(t1, t2), tf.add(t3, t4));
});

// From Tonolini et al. (2020) eq. 9 (as implemented in the authors' "concreteslab", protocol §2.6):
// γ·KL(N(μ, σ²) ‖ N(μ₀, v₀)) + γ ln(γ/α₀) + (1 − γ) ln((1 − γ)/(1 − α₀)); exact for two spike-and-slabs
// whose spikes sit at the same point (0).
registerKl<SpikeSlab, SpikeSlab>("spike_slab", "spike_slab", (q, p) => {
  const g = _asTensor(q.gamma), g0 = _asTensor(p.gamma);
  const slab = klDivergence(q.slab, p.slab);
  const t1 = tf.mul(g, slab);
  const t2 = tf.mul(g, tf.log(tf.div(g, g0)));
  const t3 = tf.mul(tf.sub(1, g), tf.log(tf.div(tf.sub(1, g), tf.sub(1, g0))));
  return tf.add(t1, tf.add(t2, t3));
});

// From Proposition 3.1 (Fallah & Rozell 2022): both are spike-and-slabs with Laplace slabs, so the KL is the
// Bernoulli KL of the "on" probabilities e^{−|λ|/b} plus (1 − π₀)·KL(Lap(μ, b) ‖ Lap(μ', b')) (the same
// decomposition as Tonolini et al. 2020 eq. 9). The paper itself trains with the base KL only (App. B).
registerKl<ThresholdedLaplace, ThresholdedLaplace>("thresholded_laplace", "thresholded_laplace", (q, p) => {
  const pi0 = q.spikeProbability(), pi0p = p.spikeProbability();
  const on = tf.sub(1, pi0), onp = tf.sub(1, pi0p);
  const t1 = tf.mul(on, klDivergence(q.base, p.base));
  const t2 = tf.mul(on, tf.log(tf.div(on, onp)));
  const t3 = tf.mul(pi0, tf.log(tf.div(pi0, pi0p)));
  return tf.add(t1, tf.add(t2, t3));
});
