/**
 * A hand-written Level 5 MAT-file writer for tests, independent of the reader: the bytes follow the
 * MathWorks format reference byte by byte (header, tags, 8-byte padding, small data elements).
 *
 * @module
 */
import { deflateSync } from "node:zlib";

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), o += p.length);
  return out;
}

function element(type: number, body: Uint8Array, le: boolean, pad = true): Uint8Array {
  const n = body.length;
  if (pad && n <= 4 && n > 0) { // small data element format
    const e = new Uint8Array(8);
    new DataView(e.buffer).setUint32(0, (n << 16) | type, le);
    e.set(body, 4);
    return e;
  }
  const total = 8 + (pad ? Math.ceil(n / 8) * 8 : n);
  const e = new Uint8Array(total);
  const v = new DataView(e.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, n, le);
  e.set(body, 8);
  return e;
}

function numbers(kind: "u32" | "i32" | "f64" | "f32" | "u8", values: number[], le: boolean): Uint8Array {
  const size = { u32: 4, i32: 4, f64: 8, f32: 4, u8: 1 }[kind];
  const b = new Uint8Array(values.length * size);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => {
    if (kind === "u32") v.setUint32(4 * i, x, le);
    else if (kind === "i32") v.setInt32(4 * i, x, le);
    else if (kind === "f64") v.setFloat64(8 * i, x, le);
    else if (kind === "f32") v.setFloat32(4 * i, x, le);
    else v.setUint8(i, x);
  });
  return b;
}

const STORAGE = { f64: 9, f32: 7, u8: 2 } as const;

/** An miMATRIX element of class `classId` (6 double, 7 single, 9 uint8) with values stored as `storage`. */
export function matrix(
  name: string,
  classId: number,
  dims: number[],
  values: number[],
  storage: "f64" | "f32" | "u8",
  le: boolean,
): Uint8Array {
  const body = concat([
    element(6, numbers("u32", [classId, 0], le), le),
    element(5, numbers("i32", dims, le), le),
    element(1, new TextEncoder().encode(name), le),
    element(STORAGE[storage], numbers(storage, values, le), le),
  ]);
  return element(14, body, le);
}

/** A whole MAT-file: the 128-byte header in the given byte order, then the elements. */
export function matFile(elements: Uint8Array[], le: boolean): Uint8Array {
  const header = new Uint8Array(128).fill(32);
  header.set(new TextEncoder().encode("MATLAB 5.0 MAT-file, written by a test"), 0);
  header.fill(0, 116, 124);
  new DataView(header.buffer).setUint16(124, 0x0100, le);
  header.set(new TextEncoder().encode(le ? "IM" : "MI"), 126);
  return concat([header, ...elements]);
}

/** An miCOMPRESSED element wrapping another element (not padded, as MATLAB writes it). */
export function compressed(el: Uint8Array, le: boolean): Uint8Array {
  return element(15, new Uint8Array(deflateSync(el)), le, false);
}
