/**
 * Stage `dictionary_structure`: how much structure a trained linear model's dictionary has, at the end and at
 * every saved snapshot — the share of oriented atoms (structure-tensor coherence ≥ 0.5,
 * `lib/sparse/atom_orientation.ts`), and the share of smooth and localized atoms (`lib/sparse/atom_structure.ts`)
 * — so that "the thresholded dictionaries look like oriented filters" is a number, with its course over
 * training. The report puts random dictionaries (white noise, random mixtures of whitened patches) beside it.
 *
 * Outputs: `structure.json` (per snapshot and at the end: iteration and the numbers).
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";

const defaults = {
  /** Atoms with ‖A_k‖₂ at most this are dead and left out (as `metrics_linear`). */
  min_norm: 0.1,
};
export type DictionaryStructureParams = typeof defaults;

export const stage: StageKind<DictionaryStructureParams> = {
  name: "dictionary_structure",
  description: "oriented, smooth and localized atoms of a trained dictionary, over its snapshots",
  defaults,
  validate(p) {
    if (!(p.min_norm >= 0)) throw new RangeError(`params.min_norm must be ≥ 0, received ${p.min_norm}`);
  },
  usesBackend: true,
  run: async (ctx) => (await import("./run.ts")).run(ctx),
};
