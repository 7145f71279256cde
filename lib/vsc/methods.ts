/**
 * The methods compared in the paper, as latent-layer specifications (protocol §1.6 and 3.3), and the threshold
 * that gives a target sparsity under the prior (protocol §2.14).
 *
 * @module
 */
import { defaultLatentSpec, type LatentSpec } from "./latent_spec.ts";

/** The variational methods: a base prior, optionally thresholded with a fixed or a learned (Gamma) λ. */
export const VARIATIONAL_METHODS = [
  "gaussian",
  "laplacian",
  "spike_slab",
  "thr_gaussian",
  "thr_gaussian_gamma",
  "thr_laplacian",
  "thr_laplacian_gamma",
] as const;
export type VariationalMethod = typeof VARIATIONAL_METHODS[number];

/** Human-readable names, as in the paper's tables. */
export const METHOD_LABELS: Record<VariationalMethod | "fista", string> = {
  fista: "FISTA (baseline)",
  gaussian: "Gaussian",
  laplacian: "Laplacian",
  spike_slab: "Spike-and-slab",
  thr_gaussian: "Thresholded Gaussian",
  thr_gaussian_gamma: "Thresholded Gaussian+Gamma",
  thr_laplacian: "Thresholded Laplacian",
  thr_laplacian_gamma: "Thresholded Laplacian+Gamma",
};

/** Per-experiment values that set the thresholds and priors. */
export interface MethodSettings {
  /** Threshold (or Gamma prior mean) for Gaussian bases: 0.52 gives 10% non-zero under N(0, 0.1). */
  lambdaGaussian: number;
  /** Threshold (or Gamma prior mean) for Laplace bases: 0.25 in the linear experiment, 0.23 for 10%. */
  lambdaLaplace: number;
  /** Spike prior α0 of the spike-and-slab (the target sparsity). */
  spikePrior: number;
  /** "straight" (the paper's estimator) or "subgradient" (Table 2). */
  estimator: LatentSpec["estimator"];
}

/**
 * The latent specification of a method.
 *
 * @example
 * ```ts
 * import { latentSpecFor } from "./methods.ts";
 * const spec = latentSpecFor("thr_laplacian_gamma", { lambdaGaussian: 0.52, lambdaLaplace: 0.25, spikePrior: 0.1, estimator: "straight" });
 * if (spec.prior !== "laplace" || spec.threshold !== "learned" || spec.lambda !== 0.25) throw new Error("wrong spec");
 * ```
 */
export function latentSpecFor(method: VariationalMethod, settings: MethodSettings): LatentSpec {
  const base = { ...defaultLatentSpec, spikePrior: settings.spikePrior, estimator: settings.estimator };
  switch (method) {
    case "gaussian":
      return { ...base, prior: "gaussian", threshold: "none" };
    case "laplacian":
      return { ...base, prior: "laplace", threshold: "none" };
    case "spike_slab":
      return { ...base, prior: "spike_slab", threshold: "none" };
    case "thr_gaussian":
      return { ...base, prior: "gaussian", threshold: "fixed", lambda: settings.lambdaGaussian };
    case "thr_gaussian_gamma":
      return { ...base, prior: "gaussian", threshold: "learned", lambda: settings.lambdaGaussian };
    case "thr_laplacian":
      return { ...base, prior: "laplace", threshold: "fixed", lambda: settings.lambdaLaplace };
    case "thr_laplacian_gamma":
      return { ...base, prior: "laplace", threshold: "learned", lambda: settings.lambdaLaplace };
  }
}

/**
 * Threshold λ that leaves a fraction p of the prior's samples non-zero (protocol §2.14):
 * Gaussian N(0, v0): λ = √v0 · Φ⁻¹(1 − p/2); Laplace(0, b0): λ = b0 · ln(1/p).
 *
 * @example
 * ```ts
 * import { thresholdForSparsity } from "./methods.ts";
 * if (Math.abs(thresholdForSparsity("gaussian", 0.1, 0.1) - 0.520) > 1e-3) throw new Error("gaussian");
 * if (Math.abs(thresholdForSparsity("laplace", 0.1, 0.1) - 0.230) > 1e-3) throw new Error("laplace");
 * ```
 */
export function thresholdForSparsity(base: "gaussian" | "laplace", p: number, spread: number): number {
  if (!(p > 0 && p < 1)) {
    throw new RangeError(`Cannot compute threshold: sparsity p must be in (0, 1), received ${p}`);
  }
  return base === "gaussian" ? Math.sqrt(spread) * normalQuantile(1 - p / 2) : spread * Math.log(1 / p);
}

/** Φ⁻¹ by Acklam's rational approximation refined with one Halley step (error ~1e-7, bounded by `erfc`). */
export function normalQuantile(q: number): number {
  const a = [
    -39.6968302866538,
    220.946098424521,
    -275.928510446969,
    138.357751867269,
    -30.6647980661472,
    2.50662827745924,
  ];
  const b = [-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857];
  const c = [
    -0.00778489400243029,
    -0.322396458041136,
    -2.40075827716184,
    -2.54973253934373,
    4.37466414146497,
    2.93816398269878,
  ];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const lo = 0.02425;
  let x: number;
  if (q < lo) {
    const t = Math.sqrt(-2 * Math.log(q));
    x = (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) /
      ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1);
  } else if (q <= 1 - lo) {
    const t = q - 0.5;
    const r = t * t;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * t /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const t = Math.sqrt(-2 * Math.log(1 - q));
    x = -(((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) /
      ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1);
  }
  // Halley refinement against the exact CDF via erfc.
  const e = 0.5 * erfc(-x / Math.SQRT2) - q;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

/** Complementary error function (Numerical Recipes' erfcc, |relative error| < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(
    -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                      t *
                        (0.27886807 +
                          t * (-1.13520398 + t * (1.48851973 + t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? r : 2 - r;
}
