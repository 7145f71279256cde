/**
 * The encoder and decoder stacks of the DNN-generator experiments, exactly as in the authors' code
 * (`model/feature_enc.py`, protocol §3.1; the code is authoritative where paper Tables 4/5 differ).
 *
 * Each block is (kernel k, stride s, padding p) with BN + ReLU unless noted; spatial sizes in brackets.
 *
 * CelebA (64×64×3):
 *   encoder  Conv 3→64 [32], 64→64 [16], 64→128 [8], 128→256 [4] (all k4 s2 p1), 256→256 k4 s2 p0 [1] → 256 features
 *   decoder  Linear z→1024 → 2×2×256 → ReLU; ConvT 256→128 [4], 128→128 [8], 128→64 [16], 64→64 [32] (k4 s2 p1);
 *            ConvT 64→3 k4 s2 p1 + Sigmoid [64]
 * Fashion-MNIST (28×28×1):
 *   encoder  Conv 1→64 k4 s2 p1 [14], 64→64 k4 s2 p1 [7], 64→128 k4 s1 p0 [4], 128→128 k4 s2 p0 [1] → 128 features
 *   decoder  Linear z→128 → 1×1×128 → ReLU; ConvT 128→128 k4 s2 p0 [4], 128→64 k4 s1 p0 [7], 64→64 k4 s2 p1 [14];
 *            ConvT 64→1 k4 s2 p1 + Sigmoid [28]
 *
 * Layout note: tensors are NHWC. The CelebA decoder's Linear output is reshaped to [2, 2, 256] (PyTorch views it
 * as [256, 2, 2]); this only permutes which of the i.i.d.-initialised outputs feeds which position.
 *
 * @module
 */

/** One conv block: Conv(ci→co, k, s, p), then BN + ReLU, or (last decoder block) Sigmoid. */
export interface ConvBlock {
  ci: number;
  co: number;
  k: number;
  s: number;
  p: number;
}

/** A dataset's architecture. */
export interface Architecture {
  name: "fashion_mnist" | "celeba";
  /** Input image [H, W, C]. */
  image: [number, number, number];
  encoder: ConvBlock[];
  /** Encoder feature width (flattened 1×1×C output). */
  featureDim: number;
  /** Decoder input grid [h, w, c] that the Linear(z → h·w·c) is reshaped to. */
  decoderGrid: [number, number, number];
  /** Transposed-conv blocks; the last ends in a Sigmoid without BN. */
  decoder: ConvBlock[];
}

const b = (ci: number, co: number, k: number, s: number, p: number): ConvBlock => ({ ci, co, k, s, p });

export const FMNIST_ARCH: Architecture = {
  name: "fashion_mnist",
  image: [28, 28, 1],
  encoder: [b(1, 64, 4, 2, 1), b(64, 64, 4, 2, 1), b(64, 128, 4, 1, 0), b(128, 128, 4, 2, 0)],
  featureDim: 128,
  decoderGrid: [1, 1, 128],
  decoder: [b(128, 128, 4, 2, 0), b(128, 64, 4, 1, 0), b(64, 64, 4, 2, 1), b(64, 1, 4, 2, 1)],
};

export const CELEBA_ARCH: Architecture = {
  name: "celeba",
  image: [64, 64, 3],
  encoder: [
    b(3, 64, 4, 2, 1),
    b(64, 64, 4, 2, 1),
    b(64, 128, 4, 2, 1),
    b(128, 256, 4, 2, 1),
    b(256, 256, 4, 2, 0),
  ],
  featureDim: 256,
  decoderGrid: [2, 2, 256],
  decoder: [
    b(256, 128, 4, 2, 1),
    b(128, 128, 4, 2, 1),
    b(128, 64, 4, 2, 1),
    b(64, 64, 4, 2, 1),
    b(64, 3, 4, 2, 1),
  ],
};

/** The architecture of a dataset. */
export function architectureFor(dataset: string): Architecture {
  if (dataset === "fashion_mnist") return FMNIST_ARCH;
  if (dataset === "celeba") return CELEBA_ARCH;
  throw new RangeError(
    `Cannot pick an architecture: unknown dataset "${dataset}" (expected "fashion_mnist" or "celeba")`,
  );
}
