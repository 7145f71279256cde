import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { parseIdx, readIdx } from "./idx_ubyte.ts";

function imagesFile(n: number, h: number, w: number): Uint8Array {
  const bytes = new Uint8Array(16 + n * h * w);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, 2051);
  v.setUint32(4, n);
  v.setUint32(8, h);
  v.setUint32(12, w);
  for (let i = 0; i < n * h * w; i++) bytes[16 + i] = i % 256;
  return bytes;
}

Deno.test("parseIdx() reads a 3-d image file, plain and gzip", () => {
  const raw = imagesFile(2, 3, 4);
  for (const bytes of [raw, new Uint8Array(gzipSync(raw))]) {
    const a = parseIdx(bytes, { expectMagic: 2051 });
    assert.deepEqual(a.magic, 2051);
    assert.deepEqual(a.dims, [2, 3, 4]);
    assert.deepEqual(a.data.length, 24);
    assert.deepEqual(a.data[23], 23);
  }
});

Deno.test("parseIdx() rejects a wrong magic number and a truncated file in one line", () => {
  const raw = imagesFile(2, 3, 4);
  assert.throws(() => parseIdx(raw, { expectMagic: 2049 }), {
    message: new RegExp(RegExp.escape("magic number is 2051, expected 2049")),
  });
  assert.throws(() => parseIdx(raw.subarray(0, 30)), { message: new RegExp(RegExp.escape("truncated")) });
  const gz = new Uint8Array(gzipSync(raw));
  assert.throws(() => parseIdx(gz.subarray(0, gz.length - 8)), {
    message: new RegExp(RegExp.escape("gzip")),
  });
});

Deno.test("readIdx() of a missing file says what to do", () => {
  assert.throws(() => readIdx("/nonexistent/x.gz", { hint: "install it" }), {
    message: new RegExp(RegExp.escape("Cannot load /nonexistent/x.gz: file not found; install it")),
  });
});
