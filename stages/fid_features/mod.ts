/**
 * Stage `fid_features`: the feature network for the reconstruction FID of `metrics_dnn` (protocol §3.4).
 *
 * (a) `inception_dir` set: the user's InceptionV3 as a tfjs graph model (`model.json` + shards, e.g. from
 *     tensorflowjs_converter). Its files are content-hashed into the key and copied into this stage's folder;
 *     `inception_output` names the pooled 2048-d node ("" = the model's first output).
 * (b) otherwise: the DEFAULT network (`feature_net.ts`), trained here on the data stage's training images —
 *     Fashion-MNIST labels, or CelebA rotation prediction. Its FIDs are labelled
 *     "FID (default features, not comparable to Inception FID)".
 *
 * Output: `features.json` (+ `feature_net.bin`, or `graph_model/`).
 *
 * @module
 */
import { basename, join } from "node:path";
import type { Metrics, Params, StageKind } from "../../pipeline/stage.ts";
import { tf } from "../../lib/tensor/tf.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { registerFastKernels } from "../../lib/tensor/kernels.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { readScalars } from "../../lib/tensor/readback.ts";
import { Adam } from "../../lib/vsc/conv/adam.ts";
import { gatherImages, readImageSet } from "../dnn_data/format.ts";
import { DEFAULT_FEATURE_DIM, FeatureNet, featureNetConfig, rotateImages } from "./feature_net.ts";
import { graphModelFiles } from "./graph_model.ts";
import { DEFAULT_FID_LABEL, type FeatureDescription, INCEPTION_FID_LABEL } from "./extractor.ts";

export {
  DEFAULT_FID_LABEL,
  type FeatureExtractor,
  INCEPTION_FID_LABEL,
  loadFeatureExtractor,
} from "./extractor.ts";

/** Parameters of `fid_features`. */
export interface FidFeaturesParams extends Params {
  /** Folder with an InceptionV3 tfjs graph model (model.json + shards); "" = train the default network. */
  inception_dir: string;
  /** Output node of the pooled features; "" = the model's first output. */
  inception_output: string;
  /** Input scaling the graph model expects: "unit" ([0, 1], as the paper feeds torchvision) or "symmetric" ([−1, 1]). */
  inception_input: string;
  /** Default network: training epochs. */
  epochs: number;
  /** Default network: first n training images; 0 = all. */
  n_train: number;
  batch_size: number;
  lr: number;
  seed: number;
}

const DEFAULTS: FidFeaturesParams = {
  inception_dir: "",
  inception_output: "",
  inception_input: "unit",
  epochs: 3,
  n_train: 0,
  batch_size: 128,
  lr: 1e-3,
  seed: 0,
};

export const stage: StageKind<FidFeaturesParams> = {
  name: "fid_features",
  description: "Feature network for the reconstruction FID (InceptionV3 graph model, or a trained default)",
  defaults: DEFAULTS,
  usesBackend: true,
  validate(p) {
    if (p.inception_input !== "unit" && p.inception_input !== "symmetric") {
      throw new RangeError(
        `params.inception_input must be "unit" or "symmetric", received "${p.inception_input}"`,
      );
    }
    for (const k of ["epochs", "batch_size"] as const) {
      if (!Number.isInteger(p[k]) || p[k] < 1) {
        throw new RangeError(`params.${k} must be an integer ≥ 1, received ${p[k]}`);
      }
    }
  },
  files(p) {
    return p.inception_dir ? graphModelFiles(join(p.inception_dir, "model.json")) : [];
  },
  async run(ctx): Promise<Metrics> {
    const p = ctx.params;
    await useBackend(ctx.backend as BackendName);
    registerFastKernels();

    // (a) A user-given InceptionV3: copy it in and describe it.
    if (p.inception_dir) {
      const files = graphModelFiles(join(p.inception_dir, "model.json"));
      Deno.mkdirSync(join(ctx.outDir, "graph_model"));
      for (const f of files) Deno.copyFileSync(f, join(ctx.outDir, "graph_model", basename(f)));
      const desc: FeatureDescription = {
        kind: "inception",
        label: INCEPTION_FID_LABEL,
        dim: 2048,
        inputSize: 299,
        outputNode: p.inception_output,
        inputRange: p.inception_input as "unit" | "symmetric",
      };
      Deno.writeTextFileSync(join(ctx.outDir, "features.json"), JSON.stringify(desc, null, 1));
      return { kind: "inception", label: desc.label };
    }

    // (b) The default network: labels when the data has them, else rotation prediction.
    const dataDir = ctx.input("data").dir;
    const train = readImageSet(dataDir, "train", p.n_train || undefined);
    const rotation = !train.labels;
    const task = rotation ? "rotation prediction (0/90/180/270°)" : "class labels";
    const config = featureNetConfig([train.height, train.width, train.channels], rotation ? 4 : 10);
    const rng = new Rng(p.seed);
    const net = new FeatureNet(config, rng.fork("init"));
    const opt = new Adam(Object.values(net.named()), { beta1: 0.9, beta2: 0.999 });
    const order = rng.fork("shuffle");
    const [h, w, c] = config.image;
    let accuracy = 0;
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      const perm = order.permutation(train.n);
      // Each step's loss and accuracy stay on the backend until the epoch ends: one read per epoch.
      const stepStats: tf.Scalar[] = [];
      const sizes: number[] = [];
      for (let s = 0; s + 2 <= train.n; s += p.batch_size) {
        const idx = perm.subarray(s, Math.min(train.n, s + p.batch_size));
        let images = gatherImages(train, idx);
        const labels = new Int32Array(idx.length);
        if (rotation) {
          for (let i = 0; i < idx.length; i++) labels[i] = order.int(4);
          images = rotateImages(images, h, c, labels);
        } else {
          for (let i = 0; i < idx.length; i++) labels[i] = train.labels![idx[i]];
        }
        const x = tf.tensor4d(images, [idx.length, h, w, c]);
        const r = net.trainStep(x, labels, opt, p.lr);
        x.dispose();
        stepStats.push(r.loss, r.accuracy);
        sizes.push(idx.length);
      }
      const values = await readScalars(stepStats);
      tf.dispose(stepStats);
      let correct = 0, seen = 0, lossSum = 0;
      sizes.forEach((m, i) => {
        lossSum += values[2 * i] * m;
        correct += values[2 * i + 1] * m;
        seen += m;
      });
      accuracy = correct / seen;
      ctx.progress({
        done: epoch + 1,
        total: p.epochs,
        unit: "epoch",
        info: `loss ${(lossSum / seen).toFixed(3)} acc ${accuracy.toFixed(3)}`,
      });
    }
    const saved = await net.save();
    Deno.writeFileSync(join(ctx.outDir, "feature_net.bin"), new Uint8Array(saved.data.buffer));
    const desc: FeatureDescription = {
      kind: "default",
      label: DEFAULT_FID_LABEL,
      dim: DEFAULT_FEATURE_DIM,
      config: saved.config,
      index: saved.index,
      trainAccuracy: accuracy,
      task,
    };
    Deno.writeTextFileSync(join(ctx.outDir, "features.json"), JSON.stringify(desc, null, 1));
    net.dispose();
    opt.dispose();
    return { kind: "default", label: desc.label, task, train_accuracy: accuracy };
  },
};
