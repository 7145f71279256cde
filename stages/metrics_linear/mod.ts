/**
 * Evaluate one trained linear model on the validation patches (protocol §1.9, 2.8–2.11): validation loss
 * (objective 10), multi-information, the authors' "IWAE" quantity and the importance-weighted bound,
 * posterior and feature collapse, the fraction of non-zero codes; and draw its dictionary.
 *
 * Outputs: `dictionary.png` (all atoms, each min–max scaled) and `codes_summary.json`.
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";
import { requireIntegers } from "../../pipeline/param_checks.ts";

const defaults = {
  /** λ of objective (10): the paper evaluates every method at the FISTA baseline's λ = 20. */
  lambda: 20,
  /** Frobenius weight of the validation loss (the final notebook's 1e-3; protocol §2.8). */
  gamma_eval: 1e-3,
  /** linspace(−2, 2, 20) edges + the two ±1e-50 edges = 23 symbols (protocol §2.9). */
  mi_edges: 20,
  /** Samples per patch for the IWAE quantities (the authors probably used 200; protocol §2.10); 0 skips them. */
  iwae_samples: 200,
  /**
   * A run is "trained" when its reconstruction MSE is at most this fraction of the all-zero code's. Codes that
   * carry no information about x cannot beat the zero code (E‖x − Az‖² = ‖x‖² + E‖Az‖² for z independent of
   * x), so 0.9 asks the codes to explain at least 10% of the patch variance: on 16,000 patches that is far
   * outside chance (the ratio's sampling error is below 1%), while every method of the paper reconstructs far
   * better (FISTA at λ = 20 sits near 0.45).
   */
  trained_ratio: 0.9,
  batch_size: 100,
  /** Seed of the evaluation noise. */
  seed: 0,
};
export type MetricsParams = typeof defaults;

export const stage: StageKind<MetricsParams> = {
  name: "metrics_linear",
  description: "validation loss, multi-information, IWAE, collapse of a trained linear model",
  defaults,
  validate(p) {
    requireIntegers(p, ["mi_edges", "batch_size"], 1);
    requireIntegers(p, ["iwae_samples"], 0);
    if (!(p.trained_ratio > 0 && p.trained_ratio <= 1)) {
      throw new RangeError(`params.trained_ratio must be in (0, 1], received ${p.trained_ratio}`);
    }
  },
  usesBackend: true,
  // The evaluation code, and tfjs with it, loads only when the stage runs: planning and `status` stay fast.
  run: async (ctx) => (await import("./run.ts")).run(ctx),
};
