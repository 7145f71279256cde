import { assertEquals, assertThrows } from "../lib/testing/assert.ts";
import { compressed, matFile, matrix } from "./_mat_v5_fixture.ts";
import { readMat, readMatVariable } from "./mat_v5.ts";

// A 2×3×2 array; column-major values 0..11 scaled, so data[i] must equal VALUES[i].
const VALUES = Array.from({ length: 12 }, (_, i) => i * 0.5 - 2);

Deno.test("readMat() reads an uncompressed little-endian double array in column-major order", () => {
  const bytes = matFile([matrix("IMAGES", 6, [2, 3, 2], VALUES, "f64", true)], true);
  const [v] = readMat(bytes);
  assertEquals(v.name, "IMAGES");
  assertEquals(v.dims, [2, 3, 2]);
  assertEquals(v.className, "double");
  assertEquals(Array.from(v.data), VALUES);
});

Deno.test("readMat() reads a compressed big-endian file with several variables", () => {
  const le = false;
  const bytes = matFile([
    compressed(matrix("a", 7, [1, 3], [1.5, -2, 3], "f32", le), le),
    compressed(matrix("IMAGES", 6, [2, 3, 2], VALUES, "f64", le), le),
  ], le);
  const vars = readMat(bytes);
  assertEquals(vars.map((v) => v.name), ["a", "IMAGES"]);
  assertEquals(vars[0].className, "single");
  assertEquals(Array.from(vars[0].data), [1.5, -2, 3]);
  assertEquals(Array.from(vars[1].data), VALUES);
});

Deno.test("readMat() reads a compressed little-endian uint8 class and a double stored as miUINT8", () => {
  const le = true;
  const bytes = matFile([
    compressed(matrix("img", 9, [2, 2], [0, 1, 254, 255], "u8", le), le),
    compressed(matrix("dbl", 6, [1, 2], [7, 200], "u8", le), le),
  ], le);
  const [img, dbl] = readMat(bytes);
  assertEquals(img.className, "uint8");
  assertEquals(Array.from(img.data), [0, 1, 254, 255]);
  assertEquals(dbl.className, "double");
  assertEquals(Array.from(dbl.data), [7, 200]);
});

Deno.test("readMatVariable() names the variables present when the wanted one is missing", () => {
  const bytes = matFile([matrix("other", 6, [1, 1], [1], "f64", true)], true);
  assertThrows(
    () => readMatVariable(bytes, "IMAGES", "f.mat"),
    SyntaxError,
    'no numeric variable "IMAGES" (found "other")',
  );
});

Deno.test("readMat() rejects a truncated file and a corrupt compressed element with the file name", () => {
  const good = matFile([matrix("IMAGES", 6, [2, 3, 2], VALUES, "f64", true)], true);
  assertThrows(() => readMat(good.subarray(0, good.length - 20), "cut.mat"), SyntaxError, '"cut.mat"');
  const bad = compressed(matrix("x", 6, [1, 1], [1], "f64", true), true);
  bad.fill(0xff, 10, 16);
  assertThrows(() => readMat(matFile([bad], true), "bad.mat"), SyntaxError, "does not inflate");
});

Deno.test("readMat() rejects HDF5-based v7.3 files with advice", () => {
  const bytes = matFile([], true);
  bytes.set(new TextEncoder().encode("MATLAB 7.3 MAT-file"), 0);
  assertThrows(() => readMat(bytes, "h5.mat"), SyntaxError, "-v7");
});
