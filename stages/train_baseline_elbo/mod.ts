/**
 * Stage `train_baseline_elbo`: the baselines of Velychko et al.'s code base on the bars (protocol §5.3,
 * "Baselines"): the analytic Gaussian–Laplace ELBO or the Monte-Carlo reparameterised ELBO, with a fixed Laplace
 * prior scale b, a learned noise variance and unnormalised fields, over diagonal per-data-point posteriors —
 * beside `train_entropy_elbo`'s L^H, with the same optimiser, steps and learning rate.
 *
 * Outputs: `fields.json` (W [D × H] row-major, unit columns for comparison), `history.json` (the analytic
 * baseline ELBO every `log_every` steps, nats per datum).
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";
import { requireIntegers } from "../../pipeline/param_checks.ts";
import { BASELINE_OBJECTIVES } from "../../lib/entropy_elbo/fit_baseline.ts";

const defaults = {
  /** "analytic" (`AnalyticELBOSC`) or "monte_carlo" (`StochasticSC`). */
  objective: "analytic",
  /** The Laplace prior's scale, fixed (the authors' baselines: 1; the bars' sources are Laplace(0, 1)). */
  prior_scale: 1,
  /** Monte-Carlo draws per datum and step (the authors: 10). */
  samples: 10,
  /** Full-batch Adam steps and learning rate: those of the entropy-ELBO bars runs, to compare objectives. */
  steps: 12000,
  lr: 0.02,
  log_every: 100,
  seed: 0,
};
export type TrainBaselineElboParams = typeof defaults;

export const stage: StageKind<TrainBaselineElboParams> = {
  name: "train_baseline_elbo",
  description:
    "baseline ELBOs (analytic or Monte-Carlo, fixed Laplace scale) on the bars, diagonal posteriors",
  defaults,
  validate(p) {
    if (!(BASELINE_OBJECTIVES as readonly string[]).includes(p.objective)) {
      throw new TypeError(
        `params.objective must be one of ${
          BASELINE_OBJECTIVES.map((o) => `"${o}"`).join(", ")
        }, received "${p.objective}"`,
      );
    }
    if (!(p.prior_scale > 0)) {
      throw new RangeError(`params.prior_scale must be > 0, received ${p.prior_scale}`);
    }
    requireIntegers(p, ["steps", "log_every", "samples"], 1);
    requireIntegers(p, ["seed"], 0);
    if (!(p.lr > 0)) throw new RangeError(`params.lr must be > 0, received ${p.lr}`);
  },
  usesBackend: true,
  run: async (ctx) => (await import("./run.ts")).run(ctx),
};
