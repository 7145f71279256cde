/**
 * Stage `train_entropy_elbo_patches`: Velychko et al.'s image-patch experiment (protocol §5.4): H fields learned
 * from the linear experiment's whitened 16×16 patches on the entropy ELBO L^H, either by mini-batch EM over
 * per-patch diagonal posteriors (variant (i); annealing s_prior = 10, 8, 6, 4, 2, then 1 by epoch) or jointly
 * with an amortised residual-MLP encoder by mini-batch Adam (variant (ii); annealing s_prior = max(1, 2 − 0.1·
 * epoch)), with or without annealing; or, as baselines, the amortised encoder on the analytic or Monte-Carlo
 * Gaussian–Laplace ELBO (`objective`), evaluated on the same footing (codes on the unit-column scale). Then held-out posteriors (the first `n_eval` validation patches: fitted
 * with the fields fixed for EM, the encoder's for the amortised variant) give the Gini sparseness of |z|
 * (`gini_samples` posterior samples per patch) and the reconstruction of the means.
 *
 * Data: the `olshausen_patches` stage's z-scored patches, so that this model and the linear experiment's see the
 * same patches (the authors drew 204,800 random, unnormalised patches of IMAGES.mat).
 *
 * Outputs: `fields.json` (W̃ [D × H] row-major, unit columns, and λ*), `history.json` (per epoch: L^H and its three
 * entropy terms at s_prior = 1, and the s_prior used), `fields.png` (the fields ordered by λ*, largest first).
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";
import { requireIntegers } from "../../pipeline/param_checks.ts";
import { BASELINE_OBJECTIVES } from "../../lib/entropy_elbo/fit_baseline.ts";

const defaults = {
  /**
   * "em": per-patch diagonal posteriors by mini-batch EM (protocol §5.4 (i)); "amortised": the residual-MLP
   * encoder and the fields trained jointly by mini-batch Adam (§5.4 (ii)).
   */
  posterior: "em",
  /**
   * What is maximised: "entropy" (L^H, the paper's), or a baseline of the authors' code base on the same data —
   * "analytic" (`AnalyticELBOSC`) or "monte_carlo" (`StochasticSC`), a Gaussian–Laplace(0, `prior_scale`) ELBO
   * with a learned σ² and unnormalised fields. The baselines train with the amortised encoder (joint Adam, as the
   * bars baselines), so `posterior` must be "amortised" for them.
   */
  objective: "entropy",
  /** The baselines' fixed Laplace prior scale (the authors: 1). */
  prior_scale: 1,
  /** Monte-Carlo draws per patch and step of the "monte_carlo" baseline (the authors: 10). */
  samples: 10,
  /** Latents H (the authors' 100). */
  h: 100,
  /** Training patches used: the first n of the patch set (0: all of them). */
  n_train: 0,
  /** EM epochs (the authors' 10, over which the annealing schedule runs). */
  epochs: 10,
  /** Patches per mini-batch (the authors' 512). */
  batch_size: 512,
  /** Prior-entropy annealing 10, 8, 6, 4, 2, 1 over the epochs (protocol §5.2). */
  annealing: true,
  /** Adam steps per E-step and their learning rate (the authors: L-BFGS, up to 100 iterations). */
  e_steps: 50,
  e_lr: 0.1,
  /** M-step gradient-ascent step size on W (the authors' 0.5). */
  w_lr: 0.5,
  /** Adam learning rate of the amortised variant (the authors' 1e-3). */
  lr: 1e-3,
  /** Held-out patches for the Gini sparseness and reconstruction (the authors' 1,002 test patches). */
  n_eval: 1000,
  /** Full-batch Adam steps fitting the held-out posteriors with the fields fixed. */
  eval_steps: 300,
  /** Posterior samples per held-out patch for the Gini coefficient (the authors' 10). */
  gini_samples: 10,
  seed: 0,
};
export type TrainEntropyElboPatchesParams = typeof defaults;

export const stage: StageKind<TrainEntropyElboPatchesParams> = {
  name: "train_entropy_elbo_patches",
  description: "entropy-ELBO sparse coding of image patches by mini-batch EM, with or without annealing",
  defaults,
  validate(p) {
    requireIntegers(p, ["h", "epochs", "batch_size", "e_steps", "n_eval", "eval_steps", "gini_samples"], 1);
    requireIntegers(p, ["n_train", "seed"], 0);
    if (!["em", "amortised"].includes(p.posterior)) {
      throw new TypeError(`params.posterior must be "em" or "amortised", received "${p.posterior}"`);
    }
    if (!["entropy", ...BASELINE_OBJECTIVES].includes(p.objective)) {
      throw new TypeError(
        `params.objective must be "entropy", "analytic" or "monte_carlo", received "${p.objective}"`,
      );
    }
    if (p.objective !== "entropy" && p.posterior !== "amortised") {
      throw new TypeError(
        `params.posterior must be "amortised" for the ${p.objective} baseline, received "${p.posterior}"`,
      );
    }
    requireIntegers(p, ["samples"], 1);
    if (!(p.prior_scale > 0)) {
      throw new RangeError(`params.prior_scale must be > 0, received ${p.prior_scale}`);
    }
    for (const k of ["e_lr", "w_lr", "lr"] as const) {
      if (!(p[k] > 0)) throw new RangeError(`params.${k} must be > 0, received ${p[k]}`);
    }
  },
  usesBackend: true,
  run: async (ctx) => (await import("./run.ts")).run(ctx),
};
