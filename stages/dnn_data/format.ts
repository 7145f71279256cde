/**
 * The on-disk format of a `dnn_data` output folder, shared by the stages that read it.
 *
 * Files (all little-endian, images **NHWC**, 8-bit: value = byte / 255, exactly what the loaders produce):
 * - `train.u8`, `test.u8`: [n, H, W, C] images.
 * - `train_labels.u8`, `test_labels.u8`: [n] class labels (Fashion-MNIST only).
 * - `test_small.u8`: [n_test, S, S, C] the test images at the dictionary-estimation size (CelebA: 32×32, protocol §3.5).
 * - `meta.json`: {@link DnnDataMeta}.
 *
 * @module
 */
import { join } from "node:path";

/** What `meta.json` records. */
export interface DnnDataMeta {
  dataset: "fashion_mnist" | "celeba";
  /** The folder the images came from. */
  source: string;
  nTrain: number;
  nTest: number;
  height: number;
  width: number;
  channels: number;
  /** Side of the `test_small.u8` images (0 when absent). */
  smallSize: number;
  hasLabels: boolean;
  layout: "NHWC";
  dtype: "uint8/255";
}

/** A split in memory: images stay 8-bit until a batch is drawn. */
export interface ImageSet {
  /** [n, H, W, C] bytes. */
  bytes: Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: number;
  labels?: Uint8Array;
}

/** Read `meta.json` of a data folder. */
export function readMeta(dir: string): DnnDataMeta {
  return JSON.parse(Deno.readTextFileSync(join(dir, "meta.json")));
}

/** Read one split ("train", "test" or "test_small") of a data folder. */
export function readImageSet(dir: string, split: "train" | "test" | "test_small", limit?: number): ImageSet {
  const meta = readMeta(dir);
  const small = split === "test_small";
  if (small && !meta.smallSize) {
    throw new Error(`Cannot read ${dir}/test_small.u8: this data stage wrote no small images`);
  }
  const height = small ? meta.smallSize : meta.height;
  const width = small ? meta.smallSize : meta.width;
  const total = split === "train" ? meta.nTrain : meta.nTest;
  const n = Math.min(limit ?? total, total);
  const per = height * width * meta.channels;
  const bytes = Deno.readFileSync(join(dir, `${split}.u8`)).subarray(0, n * per);
  let labels: Uint8Array | undefined;
  if (meta.hasLabels && !small) labels = Deno.readFileSync(join(dir, `${split}_labels.u8`)).subarray(0, n);
  return { bytes, n, height, width, channels: meta.channels, labels };
}

/** Images `idx` of a set as float32 in [0, 1], NHWC. */
export function gatherImages(set: ImageSet, idx: ArrayLike<number>): Float32Array {
  const per = set.height * set.width * set.channels;
  const out = new Float32Array(idx.length * per);
  for (let i = 0; i < idx.length; i++) {
    const src = idx[i] * per;
    for (let k = 0; k < per; k++) out[i * per + k] = set.bytes[src + k] / 255;
  }
  return out;
}

/** Images [start, start + count) of a set as float32 in [0, 1]. */
export function sliceImages(set: ImageSet, start: number, count: number): Float32Array {
  const per = set.height * set.width * set.channels;
  const out = new Float32Array(count * per);
  const src = set.bytes.subarray(start * per, (start + count) * per);
  for (let k = 0; k < src.length; k++) out[k] = src[k] / 255;
  return out;
}
