/**
 * `fields.json`: the learned generative fields a linear sparse-coding run leaves for the stages after it (the
 * bars figures, the cross-paper comparison). One format for every writer and reader: W [D × H] row-major, its
 * columns scaled to unit norm (a scale-free objective leaves their length arbitrary), and optionally the
 * per-field λ* of the entropy model.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "./_write_atomic.ts";

/** The contents of `fields.json`. */
export interface FieldsFile {
  d: number;
  h: number;
  /** W̃ [D × H] row-major, unit columns. */
  w: Float32Array;
  /** λ*_h per field, where the run estimates it. */
  lambda?: number[];
}

/** The file's name inside a run's folder. */
export const FIELDS_FILE = "fields.json";

/**
 * Write `fields.json` into `dir` (atomically: a crash leaves no half file).
 *
 * @example
 * ```ts
 * import { readFields, writeFields } from "./fields_file.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFields(dir, { d: 2, h: 1, w: new Float32Array([0.6, 0.8]) });
 * const back = await readFields(dir);
 * if (back.h !== 1 || back.w[1] !== new Float32Array([0.8])[0]) throw new Error(JSON.stringify(back));
 * ```
 */
export async function writeFields(dir: string, fields: FieldsFile): Promise<void> {
  if (fields.w.length !== fields.d * fields.h) {
    throw new RangeError(
      `Cannot write ${FIELDS_FILE}: w has ${fields.w.length} values, expected d × h = ${fields.d * fields.h}`,
    );
  }
  const body = { d: fields.d, h: fields.h, w: Array.from(fields.w), lambda: fields.lambda };
  await writeFileAtomic(join(dir, FIELDS_FILE), new TextEncoder().encode(JSON.stringify(body)));
}

/** Read `fields.json` from `dir`; a file of the wrong shape is named in the error. */
export async function readFields(dir: string): Promise<FieldsFile> {
  const path = join(dir, FIELDS_FILE);
  const raw = JSON.parse(await Deno.readTextFile(path));
  const { d, h, w, lambda } = raw ?? {};
  if (!Number.isInteger(d) || !Number.isInteger(h) || !Array.isArray(w) || w.length !== d * h) {
    throw new Error(`Cannot read "${path}": expected { d, h, w: d × h numbers }`);
  }
  return { d, h, w: Float32Array.from(w), lambda };
}
