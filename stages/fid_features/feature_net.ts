/**
 * The DEFAULT feature network for FID when no InceptionV3 graph model is given: a small conv classifier trained
 * by the `fid_features` stage itself, whose penultimate layer (128 ReLU units) gives the features.
 *
 * - Fashion-MNIST: trained on the 10 class labels.
 * - CelebA (no labels in the standard image folder): trained on the self-supervised rotation task (predict
 *   0°/90°/180°/270°, Gidaris et al. 2018), which needs face-shape and texture features.
 *
 * Architecture: conv k4 s2 p1 + ReLU blocks (32, 64, 128, 128 channels) until the side is ≤ 4, then Linear → 128
 * + ReLU (features) → Linear → classes. FIDs from it are NOT comparable to Inception FIDs; every figure and table
 * labels them "FID (default features, not comparable to Inception FID)".
 *
 * @module
 */
import { tf } from "../../lib/tensor/tf.ts";
import type { Rng } from "../../lib/tensor/rng.ts";
import { Conv, Linear, toHwnc } from "../../lib/vsc/conv/mod.ts";
import { Adam } from "../../lib/vsc/conv/adam.ts";
import { packTensors, type TensorIndexEntry, unpackTensors } from "../../lib/tensor/named_tensors.ts";

/** Feature width of the default network. */
export const DEFAULT_FEATURE_DIM = 128;

/** Shape of a default feature network. */
export interface FeatureNetConfig {
  image: [number, number, number];
  classes: number;
  channels: number[];
}

/** The config for images of `image` size: blocks until the side is ≤ 4. */
export function featureNetConfig(image: [number, number, number], classes: number): FeatureNetConfig {
  const widths = [32, 64, 128, 128, 128];
  const channels: number[] = [];
  let side = image[0];
  while (side > 4 && channels.length < widths.length) {
    channels.push(widths[channels.length]);
    side = Math.floor((side + 2 - 4) / 2) + 1;
  }
  return { image, classes, channels };
}

/** A small conv classifier; `features` is its penultimate layer. Owns its variables. */
export class FeatureNet {
  readonly convs: Conv[];
  readonly fc: Linear;
  readonly out: Linear;
  readonly #flat: number;

  constructor(readonly config: FeatureNetConfig, rng: Rng) {
    let ci = config.image[2], side = config.image[0];
    this.convs = config.channels.map((co) => {
      const conv = new Conv(rng, ci, co, 4, 2, 1, false);
      ci = co;
      side = Math.floor((side + 2 - 4) / 2) + 1;
      return conv;
    });
    this.#flat = side * side * ci;
    this.fc = new Linear(rng, this.#flat, DEFAULT_FEATURE_DIM);
    this.out = new Linear(rng, DEFAULT_FEATURE_DIM, config.classes);
  }

  /** Features [N, 128] of images [N, H, W, C] in [0, 1]. */
  features(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = toHwnc(x); // [H, W, N, C]
      for (const conv of this.convs) h = tf.relu(conv.forward(h)); // [H/2, W/2, N, C']
      const flat = tf.reshape(tf.transpose(h, [2, 0, 1, 3]), [x.shape[0], this.#flat]); // [N, h·w·C]
      return tf.relu(this.fc.forward(flat as tf.Tensor2D)); // [N, 128]
    });
  }

  /** Class logits [N, classes]. */
  logits(x: tf.Tensor4D): tf.Tensor2D {
    return this.out.forward(this.features(x));
  }

  named(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    this.convs.forEach((c, i) => Object.assign(out, { [`conv${i}.w`]: c.w, [`conv${i}.b`]: c.b }));
    Object.assign(out, { "fc.w": this.fc.w, "fc.b": this.fc.b, "out.w": this.out.w, "out.b": this.out.b });
    return out;
  }

  /**
   * One Adam step of softmax cross-entropy; returns the batch loss and accuracy as scalars the caller reads (in
   * batches) and disposes.
   */
  trainStep(
    x: tf.Tensor4D,
    labels: Int32Array,
    opt: Adam,
    lr: number,
  ): { loss: tf.Scalar; accuracy: tf.Scalar } {
    let accuracy!: tf.Scalar;
    const { value, grads } = tf.variableGrads(() => {
      const logits = this.logits(x);
      const truth = tf.tensor1d(labels, "int32");
      const onehot = tf.oneHot(truth, this.config.classes);
      accuracy = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), truth), "float32")) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
    }, Object.values(this.named()));
    opt.apply(grads, lr);
    tf.dispose(grads);
    return { loss: value, accuracy };
  }

  async save(): Promise<{ config: FeatureNetConfig; index: TensorIndexEntry[]; data: Float32Array }> {
    return { config: this.config, ...await packTensors(this.named()) };
  }

  static load(config: FeatureNetConfig, index: TensorIndexEntry[], data: Float32Array, rng: Rng): FeatureNet {
    const net = new FeatureNet(config, rng);
    const t = unpackTensors(index, data);
    for (const [k, v] of Object.entries(net.named())) v.assign(t[k]);
    tf.dispose(Object.values(t));
    return net;
  }

  dispose(): void {
    tf.dispose(Object.values(this.named()));
  }
}

/**
 * Rotate square images [N, S, S, C] (NHWC, row-major) by r·90° counter-clockwise, per image; r ∈ {0, 1, 2, 3}.
 *
 * @example
 * ```ts
 * import { rotateImages } from "./feature_net.ts";
 * // one 2×2 grey image [[1, 2], [3, 4]] rotated by 90° → [[2, 4], [1, 3]]
 * const r = rotateImages(new Float32Array([1, 2, 3, 4]), 2, 1, new Int32Array([1]));
 * if (r.join() !== "2,4,1,3") throw new Error(r.join());
 * ```
 */
export function rotateImages(x: Float32Array, side: number, channels: number, rot: Int32Array): Float32Array {
  const per = side * side * channels;
  const out = new Float32Array(x.length);
  for (let n = 0; n < rot.length; n++) {
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        // Source pixel for output (i, j) under a counter-clockwise rotation by r quarter turns.
        let si = i, sj = j;
        switch (rot[n] & 3) {
          case 1:
            [si, sj] = [j, side - 1 - i];
            break;
          case 2:
            [si, sj] = [side - 1 - i, side - 1 - j];
            break;
          case 3:
            [si, sj] = [side - 1 - j, i];
            break;
        }
        for (let c = 0; c < channels; c++) {
          out[n * per + (i * side + j) * channels + c] = x[n * per + (si * side + sj) * channels + c];
        }
      }
    }
  }
  return out;
}
