/**
 * The authors' numbers for the DNN sweeps (Fig. 7), from the saved outputs of their final validation notebooks:
 * docs/protocol.md §3.6 (mean of 3 runs). MSE is in the paper's plotted units — the sum over test
 * batches of the per-batch per-pixel MSE, i.e. per-pixel MSE × 125 (FMNIST) or × 150 (CelebA), protocol §3.4. The
 * FIDs use torchvision's ImageNet InceptionV3 with the notebook's sample-space covariance (protocol §3.4, §4.11), so
 * they are not comparable to any FID computed here with correct covariances or other features.
 *
 * @module
 */

/** Method keys as in `train_dnn` params. */
export type SweepMethod =
  | "gaussian"
  | "spike_slab"
  | "thr_gaussian"
  | "thr_gaussian_gamma"
  | "thr_laplacian"
  | "thr_laplacian_gamma";

/** Paper labels (Fig. 7 legend). */
export const SWEEP_METHOD_LABELS: Record<SweepMethod, string> = {
  gaussian: "Gaussian",
  spike_slab: "Spike-and-Slab",
  thr_gaussian: "Thr. Gaussian",
  thr_gaussian_gamma: "Thr. Gaussian+Γ",
  thr_laplacian: "Thr. Laplacian",
  thr_laplacian_gamma: "Thr. Laplacian+Γ",
};

/** One cell: MSE (paper units) / multi-information (bits) / FID. */
export interface ReferenceCell {
  mse: number;
  mi: number;
  fid: number;
}

/** Latent-dimension sweep at 10% sparsity: method → latent dim → cell. */
export type LatentSweep = Record<SweepMethod, Record<number, ReferenceCell>>;
/** Sparsity sweep (MSE only): method → sparsity p → MSE (paper units). */
export type SparsitySweep = Partial<Record<SweepMethod, Record<number, number>>>;

const cells = (dims: number[], rows: [number, number, number][]) =>
  Object.fromEntries(dims.map((d, i) => [d, { mse: rows[i][0], mi: rows[i][1], fid: rows[i][2] }]));
const mses = (values: number[]) => Object.fromEntries([0.05, 0.1, 0.2, 0.5].map((p, i) => [p, values[i]]));

/** Protocol §3.6, FMNIST latent sweep (z = 20, 64, 256, 1024; 10%). */
export const FMNIST_LATENT: LatentSweep = {
  gaussian: cells([20, 64, 256, 1024], [[3.493, 56.3, 314.4], [3.578, 206.8, 317.1], [3.686, 864.6, 320.6], [
    3.737,
    3499,
    322.0,
  ]]),
  spike_slab: cells([20, 64, 256, 1024], [[3.816, 5.68, 326.3], [3.623, 36.9, 320.8], [3.837, 181.0, 326.7], [
    3.954,
    756.7,
    331.2,
  ]]),
  thr_gaussian: cells([20, 64, 256, 1024], [
    [3.642, 7.46, 316.9],
    [3.027, 38.7, 296.7],
    [2.869, 181.3, 291.5],
    [2.896, 758.1, 292.9],
  ]),
  thr_gaussian_gamma: cells([20, 64, 256, 1024], [[3.441, 12.9, 309.7], [3.125, 72.9, 301.6], [
    3.175,
    344.0,
    302.8,
  ], [3.217, 1430, 303.8]]),
  thr_laplacian: cells([20, 64, 256, 1024], [[3.520, 8.66, 313.2], [3.561, 37.2, 317.2], [
    3.747,
    175.9,
    323.2,
  ], [3.942, 733.2, 329.3]]),
  thr_laplacian_gamma: cells([20, 64, 256, 1024], [[3.525, 10.6, 313.7], [3.579, 58.8, 319.0], [
    3.746,
    279.7,
    322.6,
  ], [3.971, 1162, 331.6]]),
};

/** Protocol §3.6, FMNIST sparsity sweep (z = 64), MSE at p = 5 / 10 / 20 / 50%. */
export const FMNIST_SPARSITY: SparsitySweep = {
  spike_slab: mses([3.636, 3.623, 3.662, 3.815]),
  thr_gaussian: mses([3.304, 3.027, 2.932, 2.971]),
  thr_gaussian_gamma: mses([3.151, 3.125, 3.105, 3.036]),
  thr_laplacian: mses([3.573, 3.561, 3.485, 3.345]),
  thr_laplacian_gamma: mses([3.653, 3.579, 3.504, 3.352]),
};

/** Protocol §3.6, CelebA latent sweep (z = 64, 512, 1024, 2048; 10%). */
export const CELEBA_LATENT: LatentSweep = {
  gaussian: cells([64, 512, 1024, 2048], [[2.634, 207, 427.5], [2.683, 1743, 430.9], [2.790, 3498, 435.9], [
    3.077,
    7009,
    448.0,
  ]]),
  spike_slab: cells([64, 512, 1024, 2048], [[3.543, 36.5, 456.6], [3.285, 382, 452.3], [3.257, 766, 451.1], [
    3.240,
    1535,
    450.9,
  ]]),
  thr_gaussian: cells([64, 512, 1024, 2048], [
    [3.608, 45.0, 461.1],
    [2.429, 379, 422.7],
    [2.333, 757, 415.6],
    [2.282, 1518, 414.1],
  ]),
  thr_gaussian_gamma: cells([64, 512, 1024, 2048], [[3.463, 54.7, 458.6], [2.547, 648, 428.6], [
    2.508,
    1368,
    425.9,
  ], [2.527, 2812, 427.4]]),
  thr_laplacian: cells([64, 512, 1024, 2048], [
    [3.200, 54.6, 450.0],
    [3.111, 386, 448.0],
    [3.154, 762, 450.6],
    [3.297, 1505, 452.7],
  ]),
  thr_laplacian_gamma: cells([64, 512, 1024, 2048], [[3.292, 58.9, 453.8], [3.125, 571, 448.4], [
    3.175,
    1158,
    449.2,
  ], [3.311, 2332, 452.7]]),
};

/** Protocol §3.6, CelebA sparsity sweep (z = 512), MSE at p = 5 / 10 / 20 / 50%. */
export const CELEBA_SPARSITY: SparsitySweep = {
  spike_slab: mses([3.334, 3.285, 3.276, 3.368]),
  thr_gaussian: mses([2.639, 2.429, 2.364, 2.380]),
  thr_gaussian_gamma: mses([2.587, 2.547, 2.504, 2.454]),
  thr_laplacian: mses([3.133, 3.111, 3.063, 2.932]),
  thr_laplacian_gamma: mses([3.156, 3.125, 3.082, 2.952]),
};

/** The reference tables of a dataset. */
export function referenceFor(
  dataset: string,
): { latent: LatentSweep; sparsity: SparsitySweep; sparsityDim: number } {
  return dataset === "celeba"
    ? { latent: CELEBA_LATENT, sparsity: CELEBA_SPARSITY, sparsityDim: 512 }
    : { latent: FMNIST_LATENT, sparsity: FMNIST_SPARSITY, sparsityDim: 64 };
}
