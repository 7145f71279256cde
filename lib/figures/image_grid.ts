/**
 * A grid of small images (e.g. dictionary atoms or reconstructions) as one PNG.
 *
 * @module
 */
import sharp from "sharp";

/**
 * Tile `rows × cols` images, each [h, w, c] in [0, 1] (HWC, row-major, c = 1 or 3), with a 1-pixel white gap,
 * upscaled by `scale` (nearest neighbour).
 *
 * @example
 * ```ts ignore
 * const png = await imageGridPng([new Float32Array(4).fill(1)], { rows: 1, cols: 1, height: 2, width: 2, channels: 1 });
 * ```
 */
export async function imageGridPng(
  images: Float32Array[],
  options: { rows: number; cols: number; height: number; width: number; channels: number; scale?: number },
): Promise<Uint8Array> {
  const { rows, cols, height: h, width: w, channels: c } = options;
  const scale = options.scale ?? 2;
  const gap = 1;
  const W = cols * (w + gap) + gap, H = rows * (h + gap) + gap;
  const canvas = new Uint8Array(W * H * 3).fill(255);
  images.forEach((img, k) => {
    if (k >= rows * cols) return;
    const r0 = gap + Math.floor(k / cols) * (h + gap), c0 = gap + (k % cols) * (w + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < 3; ch++) {
          const v = img[(y * w + x) * c + (c === 1 ? 0 : ch)];
          canvas[((r0 + y) * W + c0 + x) * 3 + ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
      }
    }
  });
  const png = await sharp(canvas, { raw: { width: W, height: H, channels: 3 } })
    .resize(W * scale, H * scale, { kernel: "nearest" })
    .png()
    .toBuffer();
  return new Uint8Array(png);
}
