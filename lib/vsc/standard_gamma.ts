/**
 * Host-side (float64) Gamma(α, 1) sampling and its implicit reparameterisation gradient.
 *
 * tfjs has no Gamma sampler with gradients, and the thresholds λ of the learned-threshold model need
 * pathwise gradients with respect to the shape α (Fallah & Rozell 2022, App. B, following Jankowiak &
 * Obermeyer 2018 / Figurnov et al. 2018). This file holds the scalar math; `priors/gamma.ts` wraps it
 * as a tfjs op.
 *
 * - Forward: Marsaglia & Tsang (2000), with the boost Gamma(α) = Gamma(α + 1)·U^{1/α} for α < 1.
 * - Backward: implicit reparameterisation, dx/dα = −(∂F(x; α)/∂α) / f(x; α), F the regularised lower
 *   incomplete gamma function P(α, x) and f the Gamma(α, 1) density. ∂F/∂α is evaluated exactly (to ~1e-10
 *   relative) by differentiating the power series of P term by term (x < α + 1) or by forward-mode
 *   differentiation of the Lentz continued fraction of Q = 1 − P (x ≥ α + 1); for α > 1e4 a Wilson–Hilferty
 *   cube-root approximation is used (relative error < 1e-4 there). Cost: O(√α + 10) terms per element.
 *
 * @module
 */
import type { Rng } from "../tensor/rng.ts";

/** Smallest positive normal float32: samples are clamped to it so that the float32 tensor is never 0. */
export const FLOAT32_TINY = 1.1754943508222875e-38;

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/**
 * ln Γ(x) for x > 0 in float64 (Lanczos approximation, g = 7, n = 9; relative error ~1e-15).
 *
 * @example
 * ```ts
 * import { lgamma64 } from "./standard_gamma.ts";
 * if (Math.abs(lgamma64(5) - Math.log(24)) > 1e-12) throw new Error("lgamma64");
 * ```
 */
export function lgamma64(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma64(1 - x);
  const y = x - 1;
  let a = LANCZOS[0];
  const t = y + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * ψ(x) = d ln Γ(x)/dx for x > 0 in float64: recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the
 * asymptotic series ln y − 1/(2y) − Σ B₂ₖ/(2k y²ᵏ) through y⁻¹⁰ (error < 1e-14).
 *
 * @example
 * ```ts
 * import { digamma64 } from "./standard_gamma.ts";
 * if (Math.abs(digamma64(1) + 0.5772156649015329) > 1e-13) throw new Error("digamma64");
 * ```
 */
export function digamma64(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift += 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  const series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
  return Math.log(x) - 0.5 / x - series - shift;
}

/**
 * ψ′(x) = d²ln Γ(x)/dx² for x > 0 in float64: recurrence ψ′(x) = ψ′(x + 1) + 1/x² up to x ≥ 10, then the
 * asymptotic series 1/y + 1/(2y²) + Σ B₂ₖ/y²ᵏ⁺¹ through y⁻¹¹ (error < 1e-14).
 *
 * @example
 * ```ts
 * import { trigamma64 } from "./standard_gamma.ts";
 * if (Math.abs(trigamma64(1) - Math.PI ** 2 / 6) > 1e-13) throw new Error("trigamma64");
 * ```
 */
export function trigamma64(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift += 1 / (x * x);
    x += 1;
  }
  const inv = 1 / x, inv2 = inv * inv;
  const series = inv * inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 * (1 / 42 - inv2 * (1 / 30 - inv2 * (5 / 66)))));
  return inv + 0.5 * inv2 + series + shift;
}

/**
 * One Gamma(α, 1) draw (Marsaglia & Tsang 2000; for α < 1 the boost Gamma(α + 1)·U^{1/α}), clamped below
 * at the smallest normal float32 so that it survives the upload.
 *
 * @example
 * ```ts
 * import { Rng } from "../tensor/rng.ts";
 * import { sampleStandardGamma } from "./standard_gamma.ts";
 * const rng = new Rng(0);
 * let s = 0;
 * for (let i = 0; i < 4000; i++) s += sampleStandardGamma(3, rng);
 * if (Math.abs(s / 4000 - 3) > 0.15) throw new Error("mean of Gamma(3, 1) should be 3");
 * ```
 */
export function sampleStandardGamma(alpha: number, rng: Rng): number {
  if (!(alpha > 0)) throw new RangeError(`Cannot sample Gamma: shape must be positive, received ${alpha}`);
  let boost = 1;
  if (alpha < 1) {
    boost = Math.pow(1 - rng.next(), 1 / alpha); // U ∈ (0, 1]
    alpha += 1;
  }
  const d = alpha - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const x2 = x * x;
    // squeeze test first, then the exact log test
    if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
      return Math.max(d * v * boost, FLOAT32_TINY);
    }
  }
}

/** Above this shape the O(√α) exact evaluation is replaced by the Wilson–Hilferty derivative. */
const ALPHA_ASYMPTOTIC = 1e4;
/** Relative truncation tolerances: the gradient is returned as float32, so 1e-12 leaves a wide margin. */
const SERIES_EPS = 1e-12;
const CF_EPS = 1e-12;
const CF_TINY = 1e-300;
const MAX_TERMS = 100000;

/**
 * The implicit reparameterisation gradient of x ~ Gamma(α, 1):
 * dx/dα = −(∂P(α, x)/∂α) / f(x; α), with P the regularised lower incomplete gamma function and
 * f(x; α) = x^{α−1}e^{−x}/Γ(α) (Figurnov et al. 2018, eq. 6; Jankowiak & Obermeyer 2018).
 *
 * - x < α + 1: P = Σₙ x^{α+n}e^{−x}/Γ(α+n+1), so dx/dα = −Σₙ cₙ (ln x − ψ(α+n+1)) with
 *   c₀ = x/α, cₙ = cₙ₋₁·x/(α+n) (no exp or pow needed).
 * - x ≥ α + 1: Q = 1 − P = x^α e^{−x} h / Γ(α), h the continued fraction 1/(x+1−α− 1(1−α)/(x+3−α− …));
 *   dx/dα = x·(h (ln x − ψ(α)) + ∂h/∂α), ∂h/∂α carried through Lentz's algorithm in forward mode.
 * - α > 1e4: Wilson–Hilferty, x = α(1 − 1/(9α) + z/(3√α))³ at fixed z.
 *
 * Returns 0 where the result is not finite (as torch does).
 *
 * @example
 * ```ts
 * import { gammaQuantile, regularizedGammaP, standardGammaGradAlpha } from "./standard_gamma.ts";
 * // the derivative of the quantile x(u, α) at fixed u, against central differences
 * const alpha = 2, x = 1.5, u = regularizedGammaP(alpha, x), h = 1e-5;
 * const fd = (gammaQuantile(alpha + h, u) - gammaQuantile(alpha - h, u)) / (2 * h);
 * if (Math.abs(standardGammaGradAlpha(x, alpha) - fd) > 1e-6) throw new Error("implicit gradient");
 * ```
 */
export function standardGammaGradAlpha(x: number, alpha: number): number {
  let g: number;
  if (alpha > ALPHA_ASYMPTOTIC) g = wilsonHilfertyGrad(x, alpha);
  else if (x < alpha + 1) g = seriesGrad(x, alpha);
  else g = continuedFractionGrad(x, alpha);
  return Number.isFinite(g) ? g : 0;
}

function seriesGrad(x: number, alpha: number): number {
  const lnx = Math.log(x);
  let psi = digamma64(alpha) + 1 / alpha; // ψ(α + 1)
  let c = x / alpha;
  let sum = c * (lnx - psi);
  for (let n = 1; n < MAX_TERMS; n++) {
    const an = alpha + n;
    c *= x / an;
    psi += 1 / an;
    sum += c * (lnx - psi);
    // once the cₙ decrease (x < α + n) the tail is bounded by cₙ·|ln x − ψ|·(geometric factor)
    if (c * (1 + Math.abs(lnx - psi)) < SERIES_EPS * Math.abs(sum) && x < an) break;
  }
  return -sum;
}

function continuedFractionGrad(x: number, alpha: number): number {
  // Modified Lentz for h = 1/(b₀ + a₁/(b₁ + a₂/(b₂ + …))), bᵢ = x + 1 − α + 2i, aᵢ = −i(i − α),
  // with every quantity paired with its derivative with respect to α (forward-mode autodiff).
  let b = x + 1 - alpha;
  const db = -1;
  let c = 1 / CF_TINY, dc = 0;
  let d = 1 / b, dd = -db * d * d;
  let h = d, dh = dd;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - alpha), dan = i;
    b += 2;
    let D = an * d + b;
    let dD = dan * d + an * dd + db;
    if (Math.abs(D) < CF_TINY) (D = CF_TINY), (dD = 0);
    let C = b + an / c;
    let dC = db + (dan * c - an * dc) / (c * c);
    if (Math.abs(C) < CF_TINY) (C = CF_TINY), (dC = 0);
    d = 1 / D;
    dd = -dD * d * d;
    c = C;
    dc = dC;
    const del = d * c, ddel = dd * c + d * dc;
    dh = dh * del + h * ddel;
    h *= del;
    if (Math.abs(del - 1) < CF_EPS && Math.abs(ddel) < CF_EPS * (1 + Math.abs(dh / h))) break;
  }
  return x * (h * (Math.log(x) - digamma64(alpha)) + dh);
}

function wilsonHilfertyGrad(x: number, alpha: number): number {
  const sqrtA = Math.sqrt(alpha);
  const z = (Math.cbrt(x / alpha) - 1 + 1 / (9 * alpha)) * 3 * sqrtA;
  const g = 1 - 1 / (9 * alpha) + z / (3 * sqrtA);
  const dg = 1 / (9 * alpha * alpha) - z / (6 * alpha * sqrtA);
  return g * g * g + 3 * alpha * g * g * dg;
}

/**
 * P(α, x), the regularised lower incomplete gamma function = the Gamma(α, 1) CDF at x (series for
 * x < α + 1, Lentz continued fraction otherwise; Numerical Recipes §6.2). Used by tests and `gammaQuantile`.
 *
 * @example
 * ```ts
 * import { regularizedGammaP } from "./standard_gamma.ts";
 * if (Math.abs(regularizedGammaP(1, 2) - (1 - Math.exp(-2))) > 1e-14) throw new Error("exponential CDF");
 * ```
 */
export function regularizedGammaP(alpha: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = alpha * Math.log(x) - x - lgamma64(alpha);
  if (x < alpha + 1) {
    let term = 1 / alpha, sum = term;
    for (let n = 1; n < MAX_TERMS; n++) {
      term *= x / (alpha + n);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return sum * Math.exp(logPrefix);
  }
  let b = x + 1 - alpha, c = 1 / CF_TINY, d = 1 / b, h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - alpha);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = b + an / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return 1 - Math.exp(logPrefix) * h;
}

/**
 * The Gamma(α, 1) quantile x with P(α, x) = u: Newton iteration on t = ln x (so that the tiny quantiles of
 * small shapes are reached), safeguarded by bisection on t. Used by tests to differentiate x(u, α) at fixed u.
 *
 * @example
 * ```ts
 * import { gammaQuantile } from "./standard_gamma.ts";
 * if (Math.abs(gammaQuantile(1, 0.5) - Math.LN2) > 1e-12) throw new Error("median of Exp(1)");
 * ```
 */
export function gammaQuantile(alpha: number, u: number): number {
  let lo = Math.log(FLOAT32_TINY) * 20, hi = Math.log(Math.max(2, 4 * alpha));
  while (regularizedGammaP(alpha, Math.exp(hi)) < u) hi += 1;
  // start from the small-x form P ≈ x^α/Γ(α + 1) when it lies inside the bracket
  let t = (Math.log(u) + lgamma64(alpha + 1)) / alpha;
  if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
  for (let it = 0; it < 400; it++) {
    const x = Math.exp(t);
    const p = regularizedGammaP(alpha, x) - u;
    if (p < 0) lo = t;
    else hi = t;
    const dpdt = Math.exp(alpha * t - x - lgamma64(alpha)); // f(x)·x
    let next = t - p / dpdt;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) return Math.exp(next);
    t = next;
  }
  return Math.exp(t);
}
