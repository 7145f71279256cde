/**
 * Stage `bars_data`: the bars benchmark of Velychko et al. (protocol §5.4), generated from a seed: side² pixels,
 * 2·side bars, Laplace(0, 1) sources, Gaussian noise σ. Output: `bars.json` (see `data/bars.ts`).
 *
 * @module
 */
import type { StageKind } from "../../pipeline/stage.ts";
import { requireIntegers } from "../../pipeline/param_checks.ts";
import { sampleBars, writeBars } from "../../data/bars.ts";
import { Rng } from "../../lib/tensor/rng.ts";

const defaults = {
  /** Data points N (the authors' 1,000). */
  n: 1000,
  /** Grid side: D = side² pixels, H = 2·side bars (the authors' 5: D = 25, H = 10). */
  side: 5,
  /** Observation noise standard deviation (the authors' 0.1). */
  sigma: 0.1,
  seed: 0,
};
export type BarsDataParams = typeof defaults;

export const stage: StageKind<BarsDataParams> = {
  name: "bars_data",
  description: "the bars benchmark: Laplace sources on horizontal and vertical bars, Gaussian noise",
  defaults,
  validate(p) {
    requireIntegers(p, ["n", "side"], 1);
    requireIntegers(p, ["seed"], 0);
    if (!(p.sigma > 0)) throw new RangeError(`params.sigma must be > 0, received ${p.sigma}`);
  },
  async run(ctx) {
    const p = ctx.params;
    const set = sampleBars(new Rng(p.seed).fork("bars"), { n: p.n, side: p.side, sigma: p.sigma });
    await writeBars(ctx.outDir, set);
    return { n: set.n, d: set.d, h: set.h, sigma: set.sigma, seed: p.seed };
  },
};
