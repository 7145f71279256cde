/**
 * Olshausen & Field's whitened natural scenes, from the best source available (see `scene_source.ts`):
 * the real `IMAGES.mat`, the raw scenes whitened here with Olshausen's recipe, or the embedded
 * procedural scenes whitened the same way. The result always says which one it is.
 *
 * @module
 */
import sharp from "sharp";
import { basename } from "node:path";
import { Rng } from "../lib/tensor/rng.ts";
import { embeddedScenes } from "./embedded.ts";
import { gitBlobId, IMAGES_MAT_BLOB_ID, sha256Hex } from "./git_blob.ts";
import { readMatVariable } from "./mat_v5.ts";
import { resolveSceneSource, type SceneSource, type SourceOptions } from "./scene_source.ts";
import { whiten } from "./whiten.ts";

/** Where the scenes came from; stored in the patch set's `meta.json`. */
export interface SceneProvenance {
  kind: "mat" | "raw" | "embedded";
  /** The MAT-file or the raw folder. */
  path?: string;
  /** sha256 of the MAT-file; for a raw folder, of the lines "<file name> <sha256>\n" in name order. */
  sha256?: string;
  /** Git blob id of the MAT-file. */
  gitBlobId?: string;
  /** One human-readable line. */
  description: string;
  /** Non-fatal problems, e.g. a MAT-file whose blob id differs from the known IMAGES.mat. */
  warnings: string[];
}

/** Whitened square scenes, each N×N row-major. */
export interface Scenes {
  images: Float64Array[];
  size: number;
  provenance: SceneProvenance;
}

/** Options of {@linkcode loadScenes}: the source paths plus the embedded scenes' settings. */
export interface LoadOptions extends SourceOptions {
  /** Embedded scenes: number of images. @default 10 */
  embeddedCount?: number;
  /** Embedded scenes: image side, a power of two. @default 512 */
  embeddedSize?: number;
  /** Embedded scenes: seed (a fixed data set, independent of the patch split's seed). @default 0 */
  embeddedSeed?: number;
}

const RECIPE = "whitened with Olshausen's recipe (R(f) = |f|·exp(−(|f|/0.4N)⁴), mean variance 0.1)";

/**
 * Load whitened scenes from `source`: "auto", "mat:<path>", "raw:<dir>", "embedded" (or "mat"/"raw" with
 * the path from the options).
 *
 * @example
 * ```ts
 * import { loadScenes } from "./olshausen.ts";
 * const s = await loadScenes("embedded", { embeddedCount: 1, embeddedSize: 32 });
 * if (s.provenance.kind !== "embedded" || s.images[0].length !== 32 * 32) throw new Error("wrong scenes");
 * ```
 */
export async function loadScenes(
  source: string | SceneSource = "auto",
  options: LoadOptions = {},
): Promise<Scenes> {
  const resolved = typeof source === "string" ? resolveSceneSource(source, options) : source;
  if (resolved.kind === "mat") return await loadMat(resolved.path);
  if (resolved.kind === "raw") return await loadRaw(resolved.dir, resolved.files);
  const { embeddedCount = 10, embeddedSize = 512, embeddedSeed = 0 } = options;
  const raw = embeddedScenes(new Rng(embeddedSeed), { count: embeddedCount, size: embeddedSize });
  return {
    images: whiten(raw, embeddedSize),
    size: embeddedSize,
    provenance: {
      kind: "embedded",
      description:
        `embedded dead-leaves scenes (${embeddedCount} × ${embeddedSize}², seed ${embeddedSeed}), ${RECIPE}; ` +
        "not Olshausen's images: for the paper's data give mat_path or raw_dir",
      warnings: [],
    },
  };
}

/** Read IMAGES.mat (already whitened), column-major N×N×K, into K row-major images. */
async function loadMat(path: string): Promise<Scenes> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new Error(`Cannot load scenes: file "${path}" cannot be read (${(e as Error).message})`);
  }
  const blob = gitBlobId(bytes);
  const warnings = blob === IMAGES_MAT_BLOB_ID ? [] : [
    `"${path}" has git blob id ${blob}, not ${IMAGES_MAT_BLOB_ID} (Olshausen's IMAGES.mat); using it anyway`,
  ];
  let v;
  try {
    v = readMatVariable(bytes, "IMAGES", path);
  } catch (e) {
    const message = (e as Error).message;
    const reason = message.slice(message.indexOf(": ") + 2);
    throw new Error(
      `Cannot load scenes: file "${path}" is not a usable IMAGES.mat (${reason}); ` +
        "download it again with `deno task fetch-data`",
    );
  }
  const [n, n2, k = 1] = v.dims;
  if (n !== n2 || v.dims.length > 3) {
    throw new Error(
      `Cannot load scenes: "${path}" has IMAGES of dims [${v.dims.join(", ")}], expected [N, N, K]`,
    );
  }
  const images = Array.from({ length: k }, (_, i) => {
    const img = new Float64Array(n * n);
    const off = i * n * n;
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) img[r * n + c] = v.data[off + r + n * c];
    return img;
  });
  const verified = warnings.length === 0 ? "blob id verified" : "blob id differs from the known copy";
  return {
    images,
    size: n,
    provenance: {
      kind: "mat",
      path,
      sha256: sha256Hex(bytes),
      gitBlobId: blob,
      description: `Olshausen's IMAGES.mat (${k} × ${n}², pre-whitened; ${verified}) from "${path}"`,
      warnings,
    },
  };
}

/** Read a folder of 8-bit grey images, centre-crop them to a common power-of-two square, and whiten. */
async function loadRaw(dir: string, files: string[]): Promise<Scenes> {
  const decoded = await Promise.all(files.map(async (file) => {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(file);
    } catch (e) {
      throw new Error(`Cannot load scenes: image "${file}" cannot be read (${(e as Error).message})`);
    }
    try {
      const { data, info } = await sharp(bytes).removeAlpha().greyscale().raw({ depth: "uchar" })
        .toBuffer({ resolveWithObject: true });
      return {
        file,
        bytes,
        data: new Uint8Array(data.buffer, data.byteOffset, data.length),
        w: info.width,
        h: info.height,
      };
    } catch (e) {
      throw new Error(
        `Cannot load scenes: image "${file}" does not decode (${
          (e as Error).message
        }); replace it or remove it from "${dir}"`,
      );
    }
  }));
  const side = Math.min(...decoded.map((d) => Math.min(d.w, d.h)));
  const n = 2 ** Math.floor(Math.log2(side)); // the whitening FFT needs a power of two
  if (n < 16) {
    throw new Error(`Cannot load scenes: the smallest image in "${dir}" is ${side} px wide; need ≥ 16`);
  }
  const cropped = decoded.some((d) => d.w !== n || d.h !== n);
  const raw = decoded.map(({ data, w, h }) => {
    const r0 = Math.floor((h - n) / 2), c0 = Math.floor((w - n) / 2);
    const img = new Float64Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) img[r * n + c] = data[(r0 + r) * w + c0 + c];
    return img;
  });
  const listing = decoded.map((d) => `${basename(d.file)} ${sha256Hex(d.bytes)}\n`).join("");
  return {
    images: whiten(raw, n),
    size: n,
    provenance: {
      kind: "raw",
      path: dir,
      sha256: sha256Hex(new TextEncoder().encode(listing)),
      description: `${files.length} raw scenes from "${dir}"${
        cropped ? `, centre-cropped to ${n}²` : ` (${n}²)`
      }, ${RECIPE}`,
      warnings: [],
    },
  };
}
