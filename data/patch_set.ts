/**
 * The on-disk patch set written by the `olshausen_patches` stage and read by the stages downstream of it.
 *
 * A folder with three files:
 * - `train.f32`: n_train × dim float32, little-endian, row-major (one z-scored patch per row, the patch
 *   flattened row-major);
 * - `val.f32`: n_val × dim, same layout;
 * - `meta.json`: {@linkcode PatchSetMeta}.
 *
 * @module
 */
import { join } from "node:path";

/** Contents of `meta.json`. */
export interface PatchSetMeta {
  n_train: number;
  n_val: number;
  /** Values per patch: patch_size². */
  dim: number;
  patch_size: number;
  /** Per-pixel mean used for the z-score, patch_size² values, row-major. */
  mean: number[];
  /** Per-pixel std (ddof = 0) used for the z-score. */
  std: number[];
  /** Where the scenes came from (see `data/olshausen.ts`). */
  provenance: { kind: string; description: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A patch set in memory. */
export interface PatchSet {
  /** [nTrain × dim] row-major. */
  train: Float32Array;
  /** [nVal × dim] row-major. */
  val: Float32Array;
  /** Values per patch (256 for 16×16). */
  dim: number;
  /** Rows of `train`. */
  nTrain: number;
  /** Rows of `val`. */
  nVal: number;
  meta: PatchSetMeta;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Write a patch set into `dir` (which must exist).
 *
 * @example
 * ```ts
 * import { readPatchSet, writePatchSet } from "./patch_set.ts";
 * const dir = await Deno.makeTempDir();
 * const provenance = { kind: "embedded", description: "" };
 * const meta = { n_train: 1, n_val: 1, dim: 1, patch_size: 1, mean: [0], std: [1], provenance };
 * await writePatchSet(dir, { train: new Float32Array([1.5]), val: new Float32Array([-2]), meta });
 * const set = await readPatchSet(dir);
 * if (set.train[0] !== 1.5 || set.val[0] !== -2) throw new Error("round trip failed");
 * ```
 */
export async function writePatchSet(
  dir: string,
  set: Pick<PatchSet, "train" | "val" | "meta">,
): Promise<void> {
  const { meta } = set;
  if (set.train.length !== meta.n_train * meta.dim || set.val.length !== meta.n_val * meta.dim) {
    throw new RangeError(
      `Cannot write patch set "${dir}": array lengths do not match n_train, n_val and dim of meta`,
    );
  }
  await Deno.writeFile(join(dir, "train.f32"), float32LE(set.train));
  await Deno.writeFile(join(dir, "val.f32"), float32LE(set.val));
  await Deno.writeTextFile(join(dir, "meta.json"), JSON.stringify(meta, null, 1) + "\n");
}

/**
 * Read the patch set in `dir`, checking the file sizes against `meta.json`.
 *
 * @example
 * ```ts
 * import { readPatchSet } from "./patch_set.ts";
 * let message = "";
 * try { await readPatchSet("/nonexistent"); } catch (e) { message = (e as Error).message; }
 * if (!message.startsWith('Cannot read patch set "/nonexistent"')) throw new Error(message);
 * ```
 */
export async function readPatchSet(dir: string): Promise<PatchSet> {
  const fail = (reason: string) => new Error(`Cannot read patch set "${dir}": ${reason}`);
  let meta: PatchSetMeta;
  try {
    meta = JSON.parse(await Deno.readTextFile(join(dir, "meta.json")));
  } catch (e) {
    throw fail(`meta.json is missing or not JSON (${(e as Error).message})`);
  }
  const read = async (name: string, rows: number) => {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(join(dir, name));
    } catch (e) {
      throw fail(`${name} cannot be read (${(e as Error).message})`);
    }
    if (bytes.length !== rows * meta.dim * 4) {
      throw fail(
        `${name} has ${bytes.length} bytes, expected ${rows} × ${meta.dim} float32 = ${rows * meta.dim * 4}`,
      );
    }
    return fromFloat32LE(bytes);
  };
  const train = await read("train.f32", meta.n_train), val = await read("val.f32", meta.n_val);
  return { train, val, dim: meta.dim, nTrain: meta.n_train, nVal: meta.n_val, meta };
}

function float32LE(x: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const out = new Uint8Array(x.length * 4), view = new DataView(out.buffer);
  for (let i = 0; i < x.length; i++) view.setFloat32(4 * i, x[i], true);
  return out;
}

function fromFloat32LE(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  }
  return out;
}
