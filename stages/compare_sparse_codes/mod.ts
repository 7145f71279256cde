/**
 * Stage `compare_sparse_codes`: one table neither paper has — on the same validation patches, the linear
 * experiment's runs (Fallah & Rozell: FISTA, Laplacian, thresholded Laplacian; their `train_linear` entries, not
 * copies) beside Velychko et al.'s entropy-ELBO patch runs, in the metrics defined for both: reconstruction MSE
 * (against the all-zero code's), % non-zero, Gini sparseness, multi-information, and objective (10) at λ = 20.
 *
 * Codes: a linear run's evaluation code (FISTA's MAP code; a variational run's selected sample, J = 1, warm-ups
 * ramped); the entropy model's posterior means, fitted with its fields fixed (diagonal posteriors, as its own
 * held-out evaluation). Only trained runs are compared: a run whose reconstruction is not below 0.9× the zero
 * code's is listed as "not trained" without numbers.
 *
 * Outputs: `compare.md/.csv/.tex`.
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";
import { requireIntegers } from "../../pipeline/param_checks.ts";

const defaults = {
  /** Validation patches compared: the first n of the patch set's validation split (the same for every model). */
  n_val: 2000,
  /** Objective (10)'s λ and Frobenius weight, as the linear experiment's metrics (protocol §2.8). */
  lambda: 20,
  gamma_eval: 1e-3,
  /** A code counts as non-zero when |code| > this; the same threshold as feature collapse (protocol §2.11). */
  nonzero_threshold: 0.01,
  /** Multi-information bins (protocol §2.9). */
  mi_edges: 20,
  /** Adam steps and learning rate fitting the entropy model's posteriors to the compared patches. */
  eval_steps: 300,
  eval_lr: 0.1,
  /** Profile name printed in the caption. */
  profile: "quick",
  seed: 0,
};
export type CompareParams = typeof defaults;

export const stage: StageKind<CompareParams> = {
  name: "compare_sparse_codes",
  description: "the linear VSC/FISTA runs beside the entropy-ELBO runs on the same validation patches",
  defaults,
  validate(p) {
    requireIntegers(p, ["n_val", "mi_edges", "eval_steps"], 1);
    requireIntegers(p, ["seed"], 0);
    for (const k of ["lambda", "eval_lr", "nonzero_threshold"] as const) {
      if (!(p[k] > 0)) throw new RangeError(`params.${k} must be > 0, received ${p[k]}`);
    }
  },
  usesBackend: true,
  run: async (ctx) => (await import("./run.ts")).run(ctx),
};
