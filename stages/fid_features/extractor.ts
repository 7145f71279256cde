/**
 * The feature extractor a `fid_features` output folder describes (`features.json`), as used by `metrics_dnn`:
 * either the user's InceptionV3 graph model (2048-d pooled output, inputs resized to 299×299) or the default
 * network trained by the stage (`feature_net.ts`).
 *
 * @module
 */
import { join } from "node:path";
import { tf } from "../../lib/tensor/tf.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { readFloats } from "../../lib/tensor/readback.ts";
import { FeatureNet, type FeatureNetConfig } from "./feature_net.ts";
import { loadGraphModelFromDir } from "./graph_model.ts";
import type { TensorIndexEntry } from "../../lib/tensor/named_tensors.ts";

/** What `features.json` records. */
export type FeatureDescription =
  | {
    kind: "default";
    label: string;
    dim: number;
    config: FeatureNetConfig;
    index: TensorIndexEntry[];
    trainAccuracy: number;
    task: string;
  }
  | {
    kind: "inception";
    label: string;
    dim: number;
    inputSize: number;
    outputNode: string;
    inputRange: "unit" | "symmetric";
  };

/** Label of FIDs computed with the default network. */
export const DEFAULT_FID_LABEL = "FID (default features, not comparable to Inception FID)";
/** Label of FIDs computed with a user-given InceptionV3. */
export const INCEPTION_FID_LABEL = "FID (InceptionV3 pooled features)";

/** A loaded feature extractor. */
export interface FeatureExtractor {
  label: string;
  dim: number;
  /** Features [n, dim] of images [n, H, W, C] in [0, 1] (NHWC), computed in batches of `batch`. */
  features(
    images: Float32Array,
    shape: [number, number, number, number],
    batch?: number,
  ): Promise<Float32Array>;
  dispose(): void;
}

/** Load the extractor of a `fid_features` output folder. */
export async function loadFeatureExtractor(dir: string): Promise<FeatureExtractor> {
  const desc: FeatureDescription = JSON.parse(Deno.readTextFileSync(join(dir, "features.json")));
  let embed: (x: tf.Tensor4D) => tf.Tensor2D;
  let dispose: () => void;
  if (desc.kind === "default") {
    const bytes = Deno.readFileSync(join(dir, "feature_net.bin"));
    const net = FeatureNet.load(
      desc.config,
      desc.index,
      new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
      new Rng(0),
    );
    embed = (x) => net.features(x);
    dispose = () => net.dispose();
  } else {
    const model = await loadGraphModelFromDir(join(dir, "graph_model"));
    embed = (x) =>
      tf.tidy(() => {
        let y = x.shape[3] === 1 ? tf.tile(x, [1, 1, 1, 3]) : x; // grey → RGB
        y = tf.image.resizeBilinear(y as tf.Tensor4D, [desc.inputSize, desc.inputSize]);
        if (desc.inputRange === "symmetric") y = tf.sub(tf.mul(y, 2), 1);
        const out = (desc.outputNode ? model.execute(y, desc.outputNode) : model.execute(y)) as tf.Tensor;
        return tf.reshape(out, [x.shape[0], -1]) as tf.Tensor2D;
      });
    dispose = () => model.dispose();
  }
  return {
    label: desc.label,
    dim: desc.dim,
    async features(images, shape, batch = 100) {
      const [n, h, w, c] = shape;
      const per = h * w * c;
      const out = new Float32Array(n * desc.dim);
      for (let s = 0; s < n; s += batch) {
        const m = Math.min(batch, n - s);
        const f = tf.tidy(() => embed(tf.tensor4d(images.subarray(s * per, (s + m) * per), [m, h, w, c])));
        const v = await readFloats(f);
        if (v.length !== m * desc.dim) {
          f.dispose();
          throw new RangeError(
            `Cannot compute features: the network gives ${
              v.length / m
            } values per image, features.json says ${desc.dim}`,
          );
        }
        out.set(v, s * desc.dim);
        f.dispose();
      }
      return out;
    },
    dispose,
  };
}
