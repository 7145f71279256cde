/**
 * A reader for MATLAB Level 5 MAT-files (`save -v5`/`-v6`/`-v7`), enough for Olshausen's `IMAGES.mat`.
 *
 * Supported: the 128-byte header in either byte order, `miCOMPRESSED` elements (zlib, via `node:zlib`),
 * `miMATRIX` elements of the numeric classes (double, single, int8…uint64) with their dimensions, name and
 * real part, stored in any numeric storage type (MATLAB often stores a double array as `miUINT8` when the
 * values allow it), and the 4-byte "small data element" tag. Complex arrays keep only their real part.
 * Cell, struct, char, sparse and object arrays are skipped, as are v7.3 (HDF5) files, which are rejected.
 *
 * Format reference: MathWorks, "MAT-File Format" (matfile_format.pdf), chapter 1 "Level 5 MAT-Files".
 *
 * @module
 */
import { inflateSync } from "node:zlib";

/** One numeric variable of a MAT-file. `data` is in MATLAB's column-major order. */
export interface MatVariable {
  /** Variable name, e.g. "IMAGES". */
  name: string;
  /** Dimensions, e.g. [512, 512, 10]. */
  dims: number[];
  /** MATLAB class name: "double", "single", "int8", …, "uint64". */
  className: string;
  /** The real part, column-major (first index fastest), converted to float64. */
  data: Float64Array;
}

// Data types of data elements (Table 1-1 of the format reference).
const MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6;
const MI_SINGLE = 7, MI_DOUBLE = 9, MI_INT64 = 12, MI_UINT64 = 13, MI_MATRIX = 14, MI_COMPRESSED = 15;
const BYTES_PER: Record<number, number> = {
  [MI_INT8]: 1,
  [MI_UINT8]: 1,
  [MI_INT16]: 2,
  [MI_UINT16]: 2,
  [MI_INT32]: 4,
  [MI_UINT32]: 4,
  [MI_SINGLE]: 4,
  [MI_DOUBLE]: 8,
  [MI_INT64]: 8,
  [MI_UINT64]: 8,
};
// Array classes (Table 1-3): only the numeric ones, 6..15, are read.
const NUMERIC_CLASSES: Record<number, string> = {
  6: "double",
  7: "single",
  8: "int8",
  9: "uint8",
  10: "int16",
  11: "uint16",
  12: "int32",
  13: "uint32",
  14: "int64",
  15: "uint64",
};

interface Element {
  type: number;
  /** Payload bytes (without tag or padding). */
  body: Uint8Array;
  /** Offset of the next element. */
  next: number;
}

/**
 * Read every numeric variable of a MAT-file (Level 5).
 *
 * @param bytes the whole file
 * @param file the file's name, used only in error messages
 * @example
 * ```ts
 * import { readMat } from "./mat_v5.ts";
 * let message = "";
 * try { readMat(new Uint8Array(10), "x.mat"); } catch (e) { message = (e as Error).message; }
 * if (!message.startsWith('Cannot read MAT-file "x.mat"')) throw new Error(message);
 * ```
 */
export function readMat(bytes: Uint8Array, file = "<bytes>"): MatVariable[] {
  const fail = (reason: string) => new SyntaxError(`Cannot read MAT-file "${file}": ${reason}`);
  if (bytes.length < 128) throw fail(`file is ${bytes.length} bytes, shorter than the 128-byte header`);
  const headerText = new TextDecoder("latin1").decode(bytes.subarray(0, 116));
  if (headerText.startsWith("MATLAB 7.3")) {
    throw fail("it is a v7.3 (HDF5) file; re-save it in MATLAB with save(..., '-v7')");
  }
  // Endian indicator: the characters "MI" written as one 16-bit value, so "IM" on disk means little-endian.
  const indicator = String.fromCharCode(bytes[126], bytes[127]);
  if (indicator !== "IM" && indicator !== "MI") {
    throw fail(`bad endian indicator "${indicator}"; not a Level 5 MAT-file`);
  }
  const le = indicator === "IM";
  const out: MatVariable[] = [];
  let pos = 128;
  while (pos + 8 <= bytes.length) {
    const el = readElement(bytes, pos, le, fail);
    pos = el.next;
    if (el.type === MI_COMPRESSED) {
      let inflated: Uint8Array;
      try {
        inflated = new Uint8Array(inflateSync(el.body));
      } catch (e) {
        throw fail(`a compressed element does not inflate (${(e as Error).message}); the file is corrupt`);
      }
      const inner = readElement(inflated, 0, le, fail);
      if (inner.type === MI_MATRIX) pushMatrix(out, inner.body, le, fail);
    } else if (el.type === MI_MATRIX) {
      pushMatrix(out, el.body, le, fail);
    }
  }
  return out;
}

/**
 * Read one named numeric variable of a MAT-file; throws naming the variables present when it is missing.
 *
 * @example
 * ```ts
 * import { readMatVariable } from "./mat_v5.ts";
 * let message = "";
 * try { readMatVariable(new Uint8Array(10), "IMAGES", "x.mat"); } catch (e) { message = (e as Error).message; }
 * if (!message.includes("x.mat")) throw new Error(message);
 * ```
 */
export function readMatVariable(bytes: Uint8Array, name: string, file = "<bytes>"): MatVariable {
  const vars = readMat(bytes, file);
  const found = vars.find((v) => v.name === name);
  if (!found) {
    const names = vars.map((v) => `"${v.name}"`).join(", ") || "none";
    throw new SyntaxError(`Cannot read MAT-file "${file}": no numeric variable "${name}" (found ${names})`);
  }
  return found;
}

function readElement(bytes: Uint8Array, pos: number, le: boolean, fail: (r: string) => Error): Element {
  if (pos + 8 > bytes.length) throw fail(`truncated element tag at byte ${pos}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + pos, 8);
  const first = view.getUint32(0, le);
  // Small data element: the upper 16 bits of the first word hold the byte count, the data sit in bytes 4..7.
  if (first >>> 16 !== 0) {
    const type = first & 0xffff, n = first >>> 16;
    if (n > 4) throw fail(`small data element at byte ${pos} claims ${n} bytes (at most 4)`);
    return { type, body: bytes.subarray(pos + 4, pos + 4 + n), next: pos + 8 };
  }
  const n = view.getUint32(4, le);
  const start = pos + 8;
  if (start + n > bytes.length) {
    throw fail(
      `element at byte ${pos} needs ${n} bytes but only ${
        bytes.length - start
      } remain; the file is truncated`,
    );
  }
  // Every element except a compressed one is padded to a multiple of 8 bytes.
  const padded = first === MI_COMPRESSED ? n : Math.ceil(n / 8) * 8;
  return {
    type: first,
    body: bytes.subarray(start, start + n),
    next: Math.min(start + padded, bytes.length),
  };
}

function pushMatrix(out: MatVariable[], body: Uint8Array, le: boolean, fail: (r: string) => Error): void {
  if (body.length === 0) return; // an empty miMATRIX is an empty array with no name
  const flags = readElement(body, 0, le, fail);
  const dimsEl = readElement(body, flags.next, le, fail);
  const nameEl = readElement(body, dimsEl.next, le, fail);
  const flagWord = new DataView(flags.body.buffer, flags.body.byteOffset, 4).getUint32(0, le);
  const className = NUMERIC_CLASSES[flagWord & 0xff];
  if (className === undefined) return; // cell, struct, char, sparse, object: not needed here
  const dims = Array.from(toFloat64(dimsEl.type, dimsEl.body, le, fail));
  const name = new TextDecoder().decode(nameEl.body);
  const real = readElement(body, nameEl.next, le, fail);
  const data = toFloat64(real.type, real.body, le, fail);
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw fail(`variable "${name}" has dims [${dims.join(", ")}] but ${data.length} values`);
  }
  out.push({ name, dims, className, data });
}

function toFloat64(type: number, body: Uint8Array, le: boolean, fail: (r: string) => Error): Float64Array {
  const size = BYTES_PER[type];
  if (size === undefined) throw fail(`unsupported numeric storage type ${type}`);
  const n = Math.floor(body.length / size);
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  const out = new Float64Array(n);
  if (type === MI_DOUBLE) { for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, le); }
  else if (type === MI_SINGLE) { for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, le); }
  else if (type === MI_INT8) { for (let i = 0; i < n; i++) out[i] = view.getInt8(i); }
  else if (type === MI_UINT8) { for (let i = 0; i < n; i++) out[i] = view.getUint8(i); }
  else if (type === MI_INT16) { for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, le); }
  else if (type === MI_UINT16) { for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, le); }
  else if (type === MI_INT32) { for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, le); }
  else if (type === MI_UINT32) { for (let i = 0; i < n; i++) out[i] = view.getUint32(4 * i, le); }
  else if (type === MI_INT64) { for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(8 * i, le)); }
  else for (let i = 0; i < n; i++) out[i] = Number(view.getBigUint64(8 * i, le));
  return out;
}
