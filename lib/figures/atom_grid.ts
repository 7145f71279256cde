/**
 * Dictionary atoms as one image: each atom is min–max scaled to [0, 255] on its own and laid out in a grid
 * with a 1-pixel dark border, as the paper's dictionary figures show them.
 *
 * @module
 */

/** Raw interleaved 8-bit pixels, ready for `sharp(pixels, { raw: { width, height, channels } })`. */
export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
}

/** Options of `atomGrid`. */
export interface AtomGridOptions {
  /** Atoms per grid row. @default ceil(sqrt(number of atoms)) */
  columns?: number;
  /** Channels per atom pixel (atoms are stored height × width × channels). @default 1 */
  channels?: 1 | 3;
}

/**
 * Lay out square atoms (each `side`×`side`×channels values, row-major) in a grid.
 *
 * @example
 * ```ts
 * import { atomGrid } from "./atom_grid.ts";
 * const img = atomGrid([new Float32Array([0, 1, 2, 3])], 2);
 * // One 2×2 atom plus a border on every side: 4×4 pixels; the largest value maps to 255.
 * if (img.width !== 4 || img.pixels[2 * 4 + 2] !== 255) throw new Error("wrong grid");
 * ```
 */
export function atomGrid(atoms: Float32Array[], side: number, options: AtomGridOptions = {}): RawImage {
  const channels = options.channels ?? 1;
  const columns = options.columns ?? Math.ceil(Math.sqrt(atoms.length));
  const rows = Math.ceil(atoms.length / columns);
  const width = columns * (side + 1) + 1;
  const height = rows * (side + 1) + 1;
  const pixels = new Uint8Array(width * height * channels);
  atoms.forEach((atom, k) => {
    if (atom.length !== side * side * channels) {
      throw new RangeError(
        `Cannot draw atom ${k}: expected ${side * side * channels} values, received ${atom.length}`,
      );
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of atom) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    const x0 = (k % columns) * (side + 1) + 1;
    const y0 = Math.floor(k / columns) * (side + 1) + 1;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side * channels; x++) {
        pixels[((y0 + y) * width + x0) * channels + x] = Math.round(
          (atom[y * side * channels + x] - lo) * scale,
        );
      }
    }
  });
  return { width, height, channels, pixels };
}

/** Column k of a row-major [rows, cols] matrix. */
export function column(matrix: Float32Array, rows: number, cols: number, k: number): Float32Array {
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = matrix[i * cols + k];
  return out;
}
