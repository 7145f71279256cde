/**
 * Reader for the idx-ubyte format of MNIST and Fashion-MNIST, plain or gzip-compressed.
 *
 * Layout (big-endian): two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions d, then d
 * uint32 sizes, then the data in row-major order. So the magic number is 2049 for 1-d label files and 2051 for
 * 3-d image files.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";

/** A decoded idx-ubyte array. */
export interface IdxArray {
  /** The magic number: 2049 (labels), 2051 (images). */
  magic: number;
  /** Sizes of each dimension, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The values in row-major order. */
  data: Uint8Array;
}

/** Magic number of an idx-ubyte label file (1-d). */
export const IDX_LABELS_MAGIC = 2049;
/** Magic number of an idx-ubyte image file (3-d). */
export const IDX_IMAGES_MAGIC = 2051;

/**
 * Parse idx-ubyte bytes (already decompressed, or gzip: detected by the 0x1f 0x8b header).
 *
 * @example
 * ```ts
 * import { parseIdx } from "./idx_ubyte.ts";
 * const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]);
 * const a = parseIdx(bytes, { expectMagic: 2049 });
 * if (a.dims[0] !== 3 || a.data[2] !== 9) throw new Error("bad parse");
 * ```
 */
export function parseIdx(
  bytes: Uint8Array,
  options: { expectMagic?: number; source?: string } = {},
): IdxArray {
  const source = options.source ?? "idx data";
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = new Uint8Array(gunzipSync(bytes));
    } catch (e) {
      throw new SyntaxError(
        `Cannot read ${source}: gzip stream is corrupt or truncated (${(e as Error).message})`,
      );
    }
  }
  if (bytes.length < 4) {
    throw new SyntaxError(`Cannot read ${source}: file is truncated (${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) {
    throw new SyntaxError(`Cannot read ${source}: not an idx-ubyte file (magic ${magic})`);
  }
  if (options.expectMagic !== undefined && magic !== options.expectMagic) {
    throw new SyntaxError(`Cannot read ${source}: magic number is ${magic}, expected ${options.expectMagic}`);
  }
  const nd = bytes[3];
  const header = 4 + 4 * nd;
  if (bytes.length < header) throw new SyntaxError(`Cannot read ${source}: header is truncated`);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - header < count) {
    throw new SyntaxError(
      `Cannot read ${source}: file is truncated (header says ${dims.join("×")} = ${count} values, found ${
        bytes.length - header
      })`,
    );
  }
  return { magic, dims, data: bytes.subarray(header, header + count) };
}

/**
 * Read an idx-ubyte(.gz) file. A missing file throws one line that names the file and `hint` (what to do).
 */
export function readIdx(path: string, options: { expectMagic?: number; hint?: string } = {}): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`Cannot load ${path}: file not found${options.hint ? `; ${options.hint}` : ""}`);
    }
    throw e;
  }
  return parseIdx(bytes, { expectMagic: options.expectMagic, source: path });
}
