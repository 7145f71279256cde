import { Rng } from "../tensor/rng.ts";
import {
  digamma64,
  gammaQuantile,
  lgamma64,
  regularizedGammaP,
  sampleStandardGamma,
  standardGammaGradAlpha,
  trigamma64,
} from "./standard_gamma.ts";
import { assertClose, meanSe } from "./_testing.ts";

// Tolerances: finite differences of the float64 quantile with h = 1e-5·α have error ~1e-9 relative, so the
// implicit gradient is held to 1e-6 relative (series and continued-fraction branches), 1e-4 for the
// Wilson–Hilferty branch (α > 1e4). Sampler moments: 5 standard errors, fixed seeds.

Deno.test("lgamma64() and digamma64() match known values", () => {
  assertClose(lgamma64(0.5), 0.5 * Math.log(Math.PI), 1e-14);
  assertClose(lgamma64(10), Math.log(362880), 1e-12);
  assertClose(digamma64(0.5), -0.5772156649015329 - 2 * Math.LN2, 1e-13);
  assertClose(digamma64(100), 4.600161852738087, 1e-13);
});

Deno.test("trigamma64() matches known values and the derivative of digamma64()", () => {
  assertClose(trigamma64(1), Math.PI ** 2 / 6, 1e-13);
  assertClose(trigamma64(0.5), Math.PI ** 2 / 2, 1e-13);
  assertClose(trigamma64(1e-6), 1e12 + Math.PI ** 2 / 6, 0, 1e-14); // ψ′(x) = 1/x² + ψ′(1 + x)
  for (const x of [0.01, 0.7, 3, 12.5, 400]) {
    const h = 1e-4 * x; // central difference: error ~h²·ψ‴ ≪ 1e-7 relative
    assertClose(trigamma64(x), (digamma64(x + h) - digamma64(x - h)) / (2 * h), 0, 1e-7);
  }
});

Deno.test("gammaQuantile() inverts regularizedGammaP()", () => {
  for (const alpha of [0.05, 1, 3, 50]) {
    for (const u of [0.01, 0.5, 0.99]) {
      assertClose(regularizedGammaP(alpha, gammaQuantile(alpha, u)), u, 1e-12);
    }
  }
});

Deno.test("standardGammaGradAlpha() matches central differences of the quantile x(u, α) at fixed u", () => {
  for (const alpha of [0.05, 0.3, 0.9, 1, 1.7, 3, 8, 30, 200, 3000]) {
    for (const u of [1e-4, 0.01, 0.2, 0.5, 0.8, 0.99, 0.9999]) {
      const x = gammaQuantile(alpha, u);
      const h = 1e-5 * alpha;
      const fd = (gammaQuantile(alpha + h, u) - gammaQuantile(alpha - h, u)) / (2 * h);
      assertClose(standardGammaGradAlpha(x, alpha), fd, 0, 1e-6, `dx/dα at α=${alpha}, u=${u}`);
    }
  }
});

Deno.test("standardGammaGradAlpha() in the Wilson–Hilferty range is within 1e-4 of central differences", () => {
  for (const alpha of [2e4, 1e6]) {
    for (const u of [0.01, 0.5, 0.99]) {
      const x = gammaQuantile(alpha, u);
      const h = 1e-4 * alpha;
      const fd = (gammaQuantile(alpha + h, u) - gammaQuantile(alpha - h, u)) / (2 * h);
      assertClose(standardGammaGradAlpha(x, alpha), fd, 0, 1e-4, `dx/dα at α=${alpha}, u=${u}`);
    }
  }
});

Deno.test("sampleStandardGamma() has mean α and variance α", () => {
  const rng = new Rng(7);
  for (const alpha of [0.2, 1, 3, 25]) {
    const n = 40000;
    const x = Array.from({ length: n }, () => sampleStandardGamma(alpha, rng));
    const m = meanSe(x);
    assertClose(m.mean, alpha, 5 * m.se, 0, `mean at α=${alpha}`);
    const sq = meanSe(x.map((v) => (v - alpha) ** 2));
    assertClose(sq.mean, alpha, 5 * sq.se, 0, `variance at α=${alpha}`);
  }
});

Deno.test("sampleStandardGamma() with the implicit gradient is unbiased: E[dx/dα] = dE[x]/dα = 1", () => {
  const rng = new Rng(11);
  for (const alpha of [0.4, 2.5]) {
    const g = Array.from(
      { length: 40000 },
      () => standardGammaGradAlpha(sampleStandardGamma(alpha, rng), alpha),
    );
    const m = meanSe(g);
    assertClose(m.mean, 1, 5 * m.se, 0, `E[dx/dα] at α=${alpha}`);
  }
});

Deno.test("sampleStandardGamma() rejects a non-positive shape", () => {
  try {
    sampleStandardGamma(0, new Rng(0));
  } catch (e) {
    if (!(e instanceof RangeError) || !e.message.startsWith("Cannot sample Gamma")) throw e;
    return;
  }
  throw new Error("expected a RangeError");
});
