/**
 * Stage `dnn_data`: a slice of Fashion-MNIST or CelebA, decoded once and stored as 8-bit NHWC arrays so that
 * training and evaluation never decode images again (format: `format.ts`).
 *
 * Selection follows the paper (protocol §3.2): the first `n_train` images of the train split and the first `n_test` of
 * the test split (CelebA: by official index; the split comes from `list_eval_partition.txt` or the index bounds).
 *
 * @module
 */
import { join } from "node:path";
import type { Params, StageKind } from "../../pipeline/stage.ts";
import { FASHION_MNIST_DEFAULT_DIR, fashionMnistFiles, loadFashionMnist } from "../../data/fashion_mnist.ts";
import { listCeleba, loadCelebaImages } from "../../data/celeba.ts";
import type { DnnDataMeta } from "./format.ts";

export type { DnnDataMeta, ImageSet } from "./format.ts";
export { gatherImages, readImageSet, readMeta, sliceImages } from "./format.ts";

/** Parameters of `dnn_data`. */
export interface DnnDataParams extends Params {
  /** "fashion_mnist" or "celeba". */
  dataset: string;
  /** Folder of the data; "" = the dataset's default (Debian's FMNIST folder, the shared CelebA subset). */
  data_dir: string;
  /** First n train images; 0 = all (paper: FMNIST 60,000; CelebA first 150,000). */
  n_train: number;
  /** First n test images; 0 = all (paper: FMNIST 10,000; CelebA first 19,000). */
  n_test: number;
  /** CelebA output side after CenterCrop(140) (paper: 64). Ignored for Fashion-MNIST (28). */
  image_size: number;
  /** CelebA side of the extra `test_small.u8` used for dictionary estimation (paper: 32); 0 = none. */
  small_size: number;
}

/** The shared CelebA subset, relative to the project root (see /work/shared/data/README.md). */
export const CELEBA_DEFAULT_DIR = "../shared/data/celeba-subset";

const DEFAULTS: DnnDataParams = {
  dataset: "fashion_mnist",
  data_dir: "",
  n_train: 0,
  n_test: 0,
  image_size: 64,
  small_size: 32,
};

function dataDir(p: DnnDataParams): string {
  return p.data_dir || (p.dataset === "celeba" ? CELEBA_DEFAULT_DIR : FASHION_MNIST_DEFAULT_DIR);
}

function celebaSelection(p: DnnDataParams) {
  const entries = listCeleba(dataDir(p));
  const take = (split: string, n: number) => {
    const all = entries.filter((e) => e.split === split);
    return n > 0 ? all.slice(0, n) : all;
  };
  return { train: take("train", p.n_train), test: take("test", p.n_test) };
}

export const stage: StageKind<DnnDataParams> = {
  name: "dnn_data",
  description: "Decode a Fashion-MNIST or CelebA slice into 8-bit NHWC arrays",
  defaults: DEFAULTS,
  validate(p) {
    if (p.dataset !== "fashion_mnist" && p.dataset !== "celeba") {
      throw new RangeError(`params.dataset must be "fashion_mnist" or "celeba", received "${p.dataset}"`);
    }
    for (const k of ["n_train", "n_test", "small_size"] as const) {
      if (!Number.isInteger(p[k]) || p[k] < 0) {
        throw new RangeError(`params.${k} must be an integer ≥ 0, received ${p[k]}`);
      }
    }
    if (!Number.isInteger(p.image_size) || p.image_size < 8) {
      throw new RangeError(`params.image_size must be an integer ≥ 8, received ${p.image_size}`);
    }
  },
  files(p) {
    // Content-hashed into the key. Missing files are left out here; run() then fails with one clear line.
    try {
      if (p.dataset === "celeba") {
        const s = celebaSelection(p);
        return [...s.train, ...s.test].map((e) => e.path);
      }
      const dir = dataDir(p);
      const f = [fashionMnistFiles(dir, "train"), fashionMnistFiles(dir, "test")].flatMap((
        x,
      ) => [x.images, x.labels]);
      return f.filter((path) => {
        try {
          return Deno.statSync(path).isFile;
        } catch {
          return false;
        }
      });
    } catch {
      return [];
    }
  },
  async run(ctx) {
    const p = ctx.params;
    const dir = dataDir(p);
    const write = (name: string, bytes: Uint8Array) => Deno.writeFileSync(join(ctx.outDir, name), bytes);
    const toBytes = (x: Float32Array) => Uint8Array.from(x, (v) => Math.round(v * 255));
    let meta: DnnDataMeta;

    if (p.dataset === "fashion_mnist") {
      // 1. Fashion-MNIST: idx-ubyte(.gz), 28×28×1.
      const train = loadFashionMnist(dir, "train", { limit: p.n_train || undefined });
      const test = loadFashionMnist(dir, "test", { limit: p.n_test || undefined });
      write("train.u8", toBytes(train.images));
      write("test.u8", toBytes(test.images));
      write("train_labels.u8", train.labels);
      write("test_labels.u8", test.labels);
      meta = {
        dataset: "fashion_mnist",
        source: dir,
        nTrain: train.n,
        nTest: test.n,
        height: 28,
        width: 28,
        channels: 1,
        smallSize: 0,
        hasLabels: true,
        layout: "NHWC",
        dtype: "uint8/255",
      };
    } else {
      // 2. CelebA: decode each JPEG once (CenterCrop 140 → resize), in parallel.
      const sel = celebaSelection(p);
      if (sel.train.length === 0 || sel.test.length === 0) {
        throw new Error(
          `Cannot load CelebA from ${dir}: found ${sel.train.length} train and ${sel.test.length} test images; ` +
            `both splits are needed`,
        );
      }
      const total = sel.train.length + sel.test.length * (p.small_size ? 2 : 1);
      let done = 0;
      const progress = () => ctx.progress({ done, total, unit: "image" });
      const load = async (paths: string[], size: number) => {
        const base = done;
        const x = await loadCelebaImages(paths, { size, onProgress: (d) => ((done = base + d), progress()) });
        done = base + paths.length;
        progress();
        return x;
      };
      write("train.u8", toBytes(await load(sel.train.map((e) => e.path), p.image_size)));
      write("test.u8", toBytes(await load(sel.test.map((e) => e.path), p.image_size)));
      if (p.small_size) {
        write(
          "test_small.u8",
          toBytes(await load(sel.test.map((e) => e.path), p.small_size)),
        );
      }
      Deno.writeTextFileSync(
        join(ctx.outDir, "test_index.json"),
        JSON.stringify(sel.test.map((e) => e.index)),
      );
      meta = {
        dataset: "celeba",
        source: dir,
        nTrain: sel.train.length,
        nTest: sel.test.length,
        height: p.image_size,
        width: p.image_size,
        channels: 3,
        smallSize: p.small_size,
        hasLabels: false,
        layout: "NHWC",
        dtype: "uint8/255",
      };
    }
    Deno.writeTextFileSync(join(ctx.outDir, "meta.json"), JSON.stringify(meta, null, 2));
    ctx.log(`${meta.dataset}: ${meta.nTrain} train, ${meta.nTest} test images from ${dir}`);
    return { dataset: meta.dataset, n_train: meta.nTrain, n_test: meta.nTest, source: dir };
  },
};
