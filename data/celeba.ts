/**
 * CelebA loader for the standard aligned layout: `<root>/img_align_celeba/NNNNNN.jpg` (178×218 RGB), with an optional
 * `<root>/list_eval_partition.txt`.
 *
 * Preprocessing is the paper's (protocol §3.2): torchvision `CenterCrop(140)` then `Resize(64)`, giving 64×64 RGB in
 * [0, 1]. The resize uses sharp's (libvips) `linear` kernel, which like PIL's BILINEAR widens the triangle filter
 * when shrinking (antialiased), so values agree with torchvision's PIL path to within a grey level or two, not
 * bit-exactly. The 32×32 variant (protocol §3.5, dictionary estimation) is the same with `size: 32`.
 *
 * Layout of the returned arrays: **NHWC** (image, row, column, RGB channel), float32 in [0, 1].
 *
 * @module
 */
import { join } from "node:path";
import sharp from "sharp";

/** Official split boundaries by file index (protocol §3.2 / data README): ≤ 162770 train, ≤ 182637 val, else test. */
export const CELEBA_SPLIT_BOUNDS = { trainLast: 162770, valLast: 182637 } as const;

/** The folder name of the aligned images. */
export const CELEBA_IMAGE_FOLDER = "img_align_celeba";

/** One image of the listing. */
export interface CelebaEntry {
  /** Absolute or root-relative path of the JPEG. */
  path: string;
  /** The official CelebA index (the number in the file name). */
  index: number;
  split: "train" | "val" | "test";
}

/** The official split of an index when no partition file is present. */
export function celebaSplitOfIndex(index: number): "train" | "val" | "test" {
  if (index <= CELEBA_SPLIT_BOUNDS.trainLast) return "train";
  if (index <= CELEBA_SPLIT_BOUNDS.valLast) return "val";
  return "test";
}

/** One line telling the user how to get the data. */
export function celebaMissingMessage(path: string): string {
  return `Cannot load CelebA: ${path} not found; download the aligned images (img_align_celeba/) from ` +
    `https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html and pass --param data_dir=<folder containing img_align_celeba>`;
}

/** Resolve `root` to the folder holding the JPEGs (accepts the parent or the image folder itself). */
export function celebaImageDir(root: string): string {
  for (const candidate of [join(root, CELEBA_IMAGE_FOLDER), root]) {
    try {
      if (Deno.statSync(candidate).isDirectory && candidate.endsWith(CELEBA_IMAGE_FOLDER)) return candidate;
    } catch { /* try the next */ }
  }
  throw new Error(celebaMissingMessage(join(root, CELEBA_IMAGE_FOLDER)));
}

/**
 * List the images under `root`, sorted by index, each with its split (from `list_eval_partition.txt` when present,
 * else by index).
 */
export function listCeleba(root: string): CelebaEntry[] {
  const dir = celebaImageDir(root);
  const partition = new Map<string, number>();
  for (const p of [join(dir, "..", "list_eval_partition.txt"), join(dir, "list_eval_partition.txt")]) {
    try {
      for (const line of Deno.readTextFileSync(p).split("\n")) {
        const [file, part] = line.trim().split(/\s+/);
        if (file && part !== undefined) partition.set(file, Number(part));
      }
      break;
    } catch { /* optional file */ }
  }
  const splits = ["train", "val", "test"] as const;
  const entries: CelebaEntry[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const m = /^(\d+)\.jpg$/.exec(e.name);
    if (!e.isFile || !m) continue;
    const index = Number(m[1]);
    const part = partition.get(e.name);
    entries.push({
      path: join(dir, e.name),
      index,
      split: part !== undefined ? splits[part] : celebaSplitOfIndex(index),
    });
  }
  if (entries.length === 0) throw new Error(celebaMissingMessage(join(dir, "NNNNNN.jpg")));
  return entries.sort((a, b) => a.index - b.index);
}

/**
 * Decode, centre-crop and resize one JPEG to `size`×`size` RGB (HWC, float32 in [0, 1]), written into `out` at
 * `offset`.
 */
export async function loadCelebaImage(
  path: string,
  out: Float32Array,
  offset: number,
  options: { size?: number; crop?: number } = {},
): Promise<void> {
  const size = options.size ?? 64;
  const crop = options.crop ?? 140;
  let buf: Uint8Array;
  try {
    const img = sharp(path);
    const meta = await img.metadata();
    const w = meta.width!, h = meta.height!;
    // torchvision CenterCrop: top = round((h - crop) / 2), left = round((w - crop) / 2).
    const top = Math.round((h - crop) / 2), left = Math.round((w - crop) / 2);
    buf = await img
      .extract({ left, top, width: crop, height: crop })
      .resize(size, size, { kernel: "linear", fit: "fill" })
      .removeAlpha()
      .toColourspace("srgb")
      .raw()
      .toBuffer();
  } catch (error) {
    // libvips' message names neither the file nor what to do about it.
    throw new Error(`Cannot load ${path}: not a readable JPEG (${(error as Error).message.split("\n")[0]})`);
  }
  if (buf.length !== size * size * 3) {
    throw new RangeError(`Cannot load ${path}: decoded ${buf.length} bytes, expected ${size * size * 3}`);
  }
  for (let i = 0; i < buf.length; i++) out[offset + i] = buf[i] / 255;
}

/**
 * Load many images in parallel (sharp decodes on libuv's thread pool), NHWC float32 in [0, 1].
 *
 * @example
 * ```ts ignore
 * const entries = listCeleba("../shared/data/celeba-subset").filter((e) => e.split === "test").slice(0, 10);
 * const x = await loadCelebaImages(entries.map((e) => e.path), { size: 64 }); // [10, 64, 64, 3]
 * ```
 */
export async function loadCelebaImages(
  paths: string[],
  options: { size?: number; crop?: number; concurrency?: number; onProgress?: (done: number) => void } = {},
): Promise<Float32Array> {
  const size = options.size ?? 64;
  const per = size * size * 3;
  const out = new Float32Array(paths.length * per);
  let next = 0, done = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      await loadCelebaImage(paths[i], out, i * per, options);
      done++;
      if (options.onProgress && done % 500 === 0) options.onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  return out;
}
