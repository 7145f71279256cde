/**
 * Image patches for the linear-generator experiment (reference setup §1.1), without materialising all of
 * them: 10 images of 512² have 2,470,090 overlapping 16×16 patches, of which only 96,000 are kept.
 *
 * Procedure, as in the reference code:
 * 1. per-pixel mean and std (numpy's `std`, ddof = 0) of all overlapping p×p patches (stride 1) of all
 *    images — computed here from 2-D prefix sums of x and x², one window sum per pixel offset;
 * 2. a seeded shuffle of all patch ids;
 * 3. val pool = the shuffled ids at positions `int(linspace(1, M−1, int(0.2·M)))`, train pool = the rest,
 *    in shuffled order;
 * 4. nTrain ids at positions `int(linspace(1, len−1, nTrain))` of the train pool, nVal likewise of the
 *    val pool;
 * 5. z-score: (patch − mean) / std, flattened row-major to p² values.
 *
 * Patch ids follow the reference's layout, where the images are channels of one array before it is cut
 * into patches: id = (row·P + col)·K + image, with P = N − p + 1 positions per axis and K images.
 *
 * Not reproduced: numpy's MT19937 shuffle order. The shuffle uses the project's `Rng` (seeded by `seed`,
 * fork "patch-shuffle"), so the same seed gives a different — equally random — split than the reference,
 * and numbers match the reference only in distribution. In the reference the shuffle also comes after
 * the random dictionary draw from the same global generator; here the streams are independent.
 *
 * @module
 */
import { Rng } from "../lib/tensor/rng.ts";

/** Options of {@linkcode splitPatches}. */
export interface PatchOptions {
  /** Side p of the square patches. @default 16 */
  patchSize?: number;
  /** Training patches to keep. @default 80000 */
  nTrain?: number;
  /** Validation patches to keep. @default 16000 */
  nVal?: number;
  /** Seed of the shuffle. @default 0 */
  seed?: number;
}

/** The kept patches, z-scored, and the statistics used. */
export interface PatchSplit {
  /** [nTrain × p²] row-major, each patch flattened row-major. */
  train: Float32Array;
  /** [nVal × p²]. */
  val: Float32Array;
  /** Per-pixel mean over all patches, p×p row-major. */
  mean: Float64Array;
  /** Per-pixel std (ddof = 0) over all patches, p×p row-major. */
  std: Float64Array;
  /** Patch ids (see the module doc) of the train rows. */
  trainIds: Uint32Array;
  /** Patch ids of the val rows. */
  valIds: Uint32Array;
  /** Number of all patches M, and of the val and train pools. */
  counts: { total: number; valPool: number; trainPool: number };
}

/**
 * numpy's `linspace(start, stop, num).astype(int)`: evenly spaced values, the last one exactly `stop`,
 * truncated toward zero.
 *
 * @example
 * ```ts
 * import { linspaceInt } from "./patches.ts";
 * if (linspaceInt(1, 9, 4).join() !== "1,3,6,9") throw new Error("wrong");
 * ```
 */
export function linspaceInt(start: number, stop: number, num: number): Uint32Array {
  const out = new Uint32Array(num);
  if (num === 1) out[0] = Math.trunc(start);
  if (num < 2) return out;
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num - 1; i++) out[i] = Math.trunc(i * step + start);
  out[num - 1] = Math.trunc(stop);
  return out;
}

/**
 * Sizes of the split of M patches: the val pool is int(0.2·M), the train pool the rest.
 *
 * @example
 * ```ts
 * import { poolSizes } from "./patches.ts";
 * const s = poolSizes(2470090);
 * if (s.valPool !== 494018 || s.trainPool !== 1976072) throw new Error(JSON.stringify(s));
 * ```
 */
export function poolSizes(total: number): { valPool: number; trainPool: number } {
  const valPool = Math.trunc(0.2 * total); // Python int(0.2 * N): same IEEE product, then truncation
  return { valPool, trainPool: total - valPool };
}

/**
 * Per-pixel mean and std (ddof = 0) over all overlapping p×p patches of N×N row-major images, from 2-D
 * prefix sums (values shifted by the global mean first, so that E[x²] − E[x]² keeps its precision).
 *
 * @example
 * ```ts
 * import { patchStats } from "./patches.ts";
 * const img = Float64Array.from({ length: 9 }, (_, i) => i); // 3×3: 0..8
 * const { mean } = patchStats([img], 3, 2); // 2×2 patches at 4 positions
 * if (mean.join() !== "2,3,5,6") throw new Error(mean.join());
 * ```
 */
export function patchStats(
  images: Float64Array[],
  n: number,
  p: number,
): { mean: Float64Array; std: Float64Array } {
  const P = n - p + 1;
  let shift = 0;
  for (const img of images) for (let i = 0; i < img.length; i++) shift += img[i];
  shift /= images.length * n * n;
  const sum = new Float64Array(p * p), sum2 = new Float64Array(p * p);
  const w = n + 1;
  const S = new Float64Array(w * w), S2 = new Float64Array(w * w); // S[i][j] = Σ x[<i][<j]
  for (const img of images) {
    for (let i = 0; i < n; i++) {
      let row = 0, row2 = 0;
      for (let j = 0; j < n; j++) {
        const x = img[i * n + j] - shift;
        row += x, row2 += x * x;
        S[(i + 1) * w + j + 1] = S[i * w + j + 1] + row;
        S2[(i + 1) * w + j + 1] = S2[i * w + j + 1] + row2;
      }
    }
    // Pixel (di, dj) of the patch at (r, c) is x[r+di][c+dj]: over all positions, a P×P window at (di, dj).
    for (let di = 0; di < p; di++) {
      for (let dj = 0; dj < p; dj++) {
        const a = di * w + dj, b = di * w + dj + P, c = (di + P) * w + dj, d = (di + P) * w + dj + P;
        sum[di * p + dj] += S[d] - S[b] - S[c] + S[a];
        sum2[di * p + dj] += S2[d] - S2[b] - S2[c] + S2[a];
      }
    }
  }
  const count = images.length * P * P;
  const mean = new Float64Array(p * p), std = new Float64Array(p * p);
  for (let k = 0; k < p * p; k++) {
    const m = sum[k] / count;
    mean[k] = m + shift;
    std[k] = Math.sqrt(Math.max(0, sum2[k] / count - m * m));
  }
  return { mean, std };
}

/**
 * Cut N×N row-major images into the z-scored train and val patch sets of reference setup §1.1.
 *
 * @example
 * ```ts
 * import { splitPatches } from "./patches.ts";
 * const img = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i * 0.37) + (i % 7));
 * const s = splitPatches([img], 20, { patchSize: 4, nTrain: 10, nVal: 5 });
 * if (s.train.length !== 10 * 16 || s.val.length !== 5 * 16) throw new Error("wrong sizes");
 * ```
 */
export function splitPatches(images: Float64Array[], n: number, options: PatchOptions = {}): PatchSplit {
  const { patchSize: p = 16, nTrain = 80000, nVal = 16000, seed = 0 } = options;
  const fail = (reason: string) => new RangeError(`Cannot split patches: ${reason}`);
  if (images.length === 0) throw fail("received no images");
  if (!Number.isInteger(p) || p < 1 || p > n) {
    throw fail(`patch size must be an integer in 1..${n}, received ${p}`);
  }
  images.forEach((img, i) => {
    if (img.length !== n * n) throw fail(`image ${i} has ${img.length} pixels, expected ${n}×${n}`);
  });
  const K = images.length, P = n - p + 1, total = K * P * P;
  const { valPool: nValPool, trainPool: nTrainPool } = poolSizes(total);
  if (!Number.isInteger(nTrain) || nTrain < 1 || nTrain > nTrainPool) {
    throw fail(`nTrain must be an integer in 1..${nTrainPool} (the train pool), received ${nTrain}`);
  }
  if (!Number.isInteger(nVal) || nVal < 1 || nVal > nValPool) {
    throw fail(`nVal must be an integer in 1..${nValPool} (the val pool), received ${nVal}`);
  }

  // 1. per-pixel statistics over all patches
  const { mean, std } = patchStats(images, n, p);
  const flat = std.findIndex((s) => !(s > 0));
  if (flat >= 0) {
    throw fail(`pixel ${flat} of the patch has zero std over all patches; the images are constant there`);
  }

  // 2. shuffle all patch ids
  const order = new Rng(seed).fork("patch-shuffle").permutation(total);

  // 3. val pool at evenly spaced positions of the shuffled order, train pool the rest
  const valPos = linspaceInt(1, total - 1, nValPool);
  const inVal = new Uint8Array(total);
  for (let j = 0; j < nValPool; j++) inVal[valPos[j]] = 1;
  const valPool = new Uint32Array(nValPool);
  for (let j = 0; j < nValPool; j++) valPool[j] = order[valPos[j]];
  const trainPool = new Uint32Array(total - countSet(inVal));
  for (let i = 0, t = 0; i < total; i++) if (!inVal[i]) trainPool[t++] = order[i];

  // 4. evenly spaced subsets of each pool
  const trainIds = linspaceInt(1, trainPool.length - 1, nTrain).map((i) => trainPool[i]);
  const valIds = linspaceInt(1, valPool.length - 1, nVal).map((i) => valPool[i]);

  // 5. cut and z-score
  const cut = (ids: Uint32Array): Float32Array => {
    const d = p * p;
    const out = new Float32Array(ids.length * d); // [count, p²]
    for (let row = 0; row < ids.length; row++) {
      const id = ids[row];
      const k = id % K, pos = ((id - k) / K) | 0;
      const c = pos % P, r = ((pos - c) / P) | 0;
      const img = images[k];
      let o = row * d, q = 0;
      for (let di = 0; di < p; di++) {
        const base = ((r + di) * n + c) | 0;
        for (let dj = 0; dj < p; dj++, q++, o++) out[o] = (img[base + dj] - mean[q]) / std[q];
      }
    }
    return out;
  };
  return {
    train: cut(trainIds),
    val: cut(valIds),
    mean,
    std,
    trainIds,
    valIds,
    counts: { total, valPool: nValPool, trainPool: nTrainPool },
  };
}

function countSet(mask: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < mask.length; i++) s += mask[i];
  return s;
}
