/**
 * The bars benchmark of Velychko et al.'s code (protocol §5.4): on a side×side grid, H = 2·side bars (side vertical,
 * then side horizontal), each a generative field of ones on one column or row; sources Laplace(0, 1); data
 * x = W s + N(0, σ²I). Generated from a seed, and stored by the `bars_data` stage as `bars.json`.
 *
 * @module
 */
import { join } from "node:path";
import type { Rng } from "../lib/tensor/rng.ts";

/** A generated bars data set. */
export interface BarsSet {
  /** Data points N. */
  n: number;
  /** Pixels D = side². */
  d: number;
  /** Bars H = 2·side. */
  h: number;
  /** Observation noise standard deviation σ. */
  sigma: number;
  /** Data [N × D], row-major. */
  x: Float32Array;
  /** The generating sources s [N × H], row-major. */
  sources: Float32Array;
  /** The generating fields W [D × H], row-major (column h is bar h, not normalised: its norm is √side). */
  w: Float32Array;
}

/**
 * The generating fields: column h < side is the vertical bar at image column h, column side + h the horizontal bar
 * at image row h (images row-major), as the authors' `make_bars_images`.
 *
 * @example
 * ```ts
 * import { barsFields } from "./bars.ts";
 * const w = barsFields(2); // D = 4, H = 4
 * // pixel (row 1, col 0) = index 2 lies on vertical bar 0 and horizontal bar 1 (column 3)
 * if ([w[2 * 4 + 0], w[2 * 4 + 1], w[2 * 4 + 2], w[2 * 4 + 3]].join() !== "1,0,0,1") throw new Error();
 * ```
 */
export function barsFields(side: number): Float32Array {
  const d = side * side, h = 2 * side;
  const w = new Float32Array(d * h);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const pixel = r * side + c;
      w[pixel * h + c] = 1; // vertical bar at column c
      w[pixel * h + side + r] = 1; // horizontal bar at row r
    }
  }
  return w;
}

/**
 * Draw N data points: s ~ Laplace(0, 1) per bar, x = W s + σ ε.
 *
 * @example
 * ```ts
 * import { sampleBars } from "./bars.ts";
 * import { Rng } from "../lib/tensor/rng.ts";
 * const set = sampleBars(new Rng(0), { n: 3, side: 5, sigma: 0.1 });
 * if (set.x.length !== 3 * 25 || set.h !== 10) throw new Error();
 * ```
 */
export function sampleBars(rng: Rng, options: { n: number; side: number; sigma: number }): BarsSet {
  const { n, side, sigma } = options;
  const d = side * side, h = 2 * side;
  const w = barsFields(side);
  const sources = new Float32Array(n * h);
  const sourceRng = rng.fork("sources"), noiseRng = rng.fork("noise");
  for (let i = 0; i < sources.length; i++) {
    const u = sourceRng.next() - 0.5;
    sources[i] = -Math.sign(u) * Math.log(1 - 2 * Math.abs(u)); // Laplace(0, 1) by inversion
  }
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < d; p++) {
      let v = sigma * noiseRng.normal();
      for (let k = 0; k < h; k++) v += w[p * h + k] * sources[i * h + k];
      x[i * d + p] = v;
    }
  }
  return { n, d, h, sigma, x, sources, w };
}

const FILE = "bars.json";

/** Write `set` as `bars.json` into `dir` (which must exist). */
export async function writeBars(dir: string, set: BarsSet): Promise<void> {
  const { n, d, h, sigma } = set;
  const text = JSON.stringify({
    n,
    d,
    h,
    sigma,
    x: Array.from(set.x),
    sources: Array.from(set.sources),
    w: Array.from(set.w),
  });
  await Deno.writeTextFile(join(dir, FILE), text);
}

/** Read the `bars.json` that {@link writeBars} wrote into `dir`. */
export async function readBars(dir: string): Promise<BarsSet> {
  const path = join(dir, FILE);
  const raw = JSON.parse(await Deno.readTextFile(path));
  const set: BarsSet = {
    n: raw.n,
    d: raw.d,
    h: raw.h,
    sigma: raw.sigma,
    x: Float32Array.from(raw.x),
    sources: Float32Array.from(raw.sources),
    w: Float32Array.from(raw.w),
  };
  if (
    set.x.length !== set.n * set.d || set.w.length !== set.d * set.h || set.sources.length !== set.n * set.h
  ) {
    throw new RangeError(
      `Cannot read ${path}: array lengths do not match n = ${set.n}, d = ${set.d}, h = ${set.h}`,
    );
  }
  return set;
}
