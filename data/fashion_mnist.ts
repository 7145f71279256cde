/**
 * Fashion-MNIST loader (idx-ubyte.gz files as shipped by upstream and by Debian's `dataset-fashion-mnist`).
 *
 * Images come back as Float32 in [0, 1] (torchvision `ToTensor`), one image after another, 28×28 row-major with a
 * single channel (so the layout is both NHWC and NCHW).
 *
 * @module
 */
import { join } from "node:path";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdx } from "./idx_ubyte.ts";

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

/** The two splits and their official sizes. */
export const FASHION_MNIST_SPLITS = { train: 60000, test: 10000 } as const;

/** A split of Fashion-MNIST. */
export interface FashionMnistSplit {
  /** [n, 28, 28, 1] values in [0, 1], row-major. */
  images: Float32Array;
  /** [n] class labels 0..9. */
  labels: Uint8Array;
  n: number;
  height: 28;
  width: 28;
  channels: 1;
}

/** The file names of a split, in `dir`; `.gz` is preferred, the uncompressed name is accepted. */
export function fashionMnistFiles(dir: string, split: "train" | "test"): { images: string; labels: string } {
  const prefix = split === "train" ? "train" : "t10k";
  const pick = (name: string) => {
    const gz = join(dir, `${name}.gz`);
    try {
      Deno.statSync(gz);
      return gz;
    } catch {
      try {
        Deno.statSync(join(dir, name));
        return join(dir, name);
      } catch {
        return gz;
      }
    }
  };
  return { images: pick(`${prefix}-images-idx3-ubyte`), labels: pick(`${prefix}-labels-idx1-ubyte`) };
}

/** One line telling the user how to get the data. */
export function fashionMnistMissingMessage(path: string): string {
  return `Cannot load Fashion-MNIST: ${path} not found; install it with \`apt-get install dataset-fashion-mnist\` ` +
    `or pass --param data_dir=<folder with the idx-ubyte(.gz) files>`;
}

/**
 * Load the first `limit` images (default all) of a split.
 *
 * @example
 * ```ts ignore
 * const test = loadFashionMnist("/usr/share/datasets/fashion-mnist", "test", { limit: 100 });
 * ```
 */
export function loadFashionMnist(
  dir: string,
  split: "train" | "test",
  options: { limit?: number } = {},
): FashionMnistSplit {
  const files = fashionMnistFiles(dir, split);
  for (const f of [files.images, files.labels]) {
    try {
      Deno.statSync(f);
    } catch {
      throw new Error(fashionMnistMissingMessage(f));
    }
  }
  const img = readIdx(files.images, { expectMagic: IDX_IMAGES_MAGIC });
  const lab = readIdx(files.labels, { expectMagic: IDX_LABELS_MAGIC });
  const [count, h, w] = img.dims;
  if (h !== 28 || w !== 28) {
    throw new RangeError(`Cannot load ${files.images}: images are ${h}×${w}, expected 28×28`);
  }
  if (lab.dims[0] !== count) {
    throw new RangeError(`Cannot load Fashion-MNIST ${split}: ${count} images but ${lab.dims[0]} labels`);
  }
  const expected = FASHION_MNIST_SPLITS[split];
  if (count !== expected) {
    throw new RangeError(
      `Cannot load ${files.images}: ${count} images, expected ${expected} (truncated or wrong file?)`,
    );
  }
  const n = Math.min(options.limit ?? count, count);
  const images = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) images[i] = img.data[i] / 255;
  return { images, labels: lab.data.slice(0, n), n, height: 28, width: 28, channels: 1 };
}
