/**
 * Which natural-scene source the Olshausen loader will use, decided before anything is read, so that the
 * pipeline can hash exactly the files that will be read (`StageKind.files`).
 *
 * Source specs: `"auto"`, `"mat:<path>"`, `"raw:<dir>"`, `"embedded"`; bare `"mat"` and `"raw"` take the
 * path from the options. `"auto"` tries, in order:
 * 1. a MAT-file: `matPath` when given (it must exist: a user-given path that is missing is an error, not a
 *    silent fallback), else `data-cache/IMAGES.mat` when present (where `deno task fetch-data` puts it);
 * 2. a folder of raw scenes: `rawDir` when it exists and holds at least one TIFF/PNG/JPEG
 *    (default `../shared/data/olshausen-raw`);
 * 3. the embedded procedural scenes.
 *
 * Relative paths are resolved against the project root (the folder above `data/`), not the working
 * directory, so the answer does not depend on where the command was started.
 *
 * @module
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root: the folder above `data/`. */
export const PROJECT_ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));

/** Default folder of raw Olshausen scenes, relative to the project root. */
export const DEFAULT_RAW_DIR = "../shared/data/olshausen-raw";
/** Where `deno task fetch-data` writes `IMAGES.mat`, relative to the project root. */
export const DEFAULT_MAT_PATH = "data-cache/IMAGES.mat";

const IMAGE_EXT = /\.(tiff?|png|jpe?g)$/i;

/** A resolved source: a MAT-file, a folder's image files (sorted by name), or the embedded scenes. */
export type SceneSource =
  | { kind: "mat"; path: string }
  | { kind: "raw"; dir: string; files: string[] }
  | { kind: "embedded" };

/** Options of {@linkcode resolveSceneSource}. */
export interface SourceOptions {
  /** A user-given IMAGES.mat; "" for none. @default "" */
  matPath?: string;
  /** Folder of raw scenes. @default "../shared/data/olshausen-raw" */
  rawDir?: string;
  /** Base for relative paths. @default the project root */
  root?: string;
}

/**
 * Resolve a source spec to the source that will be read; reads only directory listings.
 *
 * @example
 * ```ts
 * import { resolveSceneSource } from "./scene_source.ts";
 * const s = resolveSceneSource("auto", { rawDir: "/nonexistent", root: "/nonexistent" });
 * if (s.kind !== "embedded") throw new Error(s.kind);
 * ```
 */
export function resolveSceneSource(spec: string, options: SourceOptions = {}): SceneSource {
  const { matPath = "", rawDir = DEFAULT_RAW_DIR, root = PROJECT_ROOT } = options;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(root, p));
  const [kind, ...rest] = spec.split(":");
  const arg = rest.join(":");
  switch (kind) {
    case "mat": {
      const path = abs(arg || matPath);
      if (!(arg || matPath)) {
        throw new TypeError('Cannot resolve scene source "mat": no path given; use "mat:<path>"');
      }
      if (!isFile(path)) throw missingMat(path);
      return { kind: "mat", path };
    }
    case "raw": {
      const dir = abs(arg || rawDir);
      const files = imageFiles(dir);
      if (files === null) {
        throw new Error(`Cannot load scenes: folder "${dir}" not found; give raw_dir a folder of images`);
      }
      if (files.length === 0) {
        throw new Error(`Cannot load scenes: folder "${dir}" holds no TIFF, PNG or JPEG images`);
      }
      return { kind: "raw", dir, files };
    }
    case "embedded":
      if (arg) throw new TypeError(`Cannot resolve scene source "${spec}": "embedded" takes no argument`);
      return { kind: "embedded" };
    case "auto": {
      if (arg) throw new TypeError(`Cannot resolve scene source "${spec}": "auto" takes no argument`);
      if (matPath) {
        if (!isFile(abs(matPath))) throw missingMat(abs(matPath));
        return { kind: "mat", path: abs(matPath) };
      }
      const cached = abs(DEFAULT_MAT_PATH);
      if (isFile(cached)) return { kind: "mat", path: cached };
      const dir = abs(rawDir);
      const files = imageFiles(dir);
      if (files && files.length > 0) return { kind: "raw", dir, files };
      return { kind: "embedded" };
    }
    default:
      throw new TypeError(
        `Cannot resolve scene source "${spec}": expected "auto", "mat:<path>", "raw:<dir>" or "embedded"`,
      );
  }
}

/**
 * The files a resolved source reads, for content hashing: the MAT-file, the folder's images, or none.
 *
 * @example
 * ```ts
 * import { sourceFiles } from "./scene_source.ts";
 * if (sourceFiles({ kind: "mat", path: "/x/IMAGES.mat" })[0] !== "/x/IMAGES.mat") throw new Error();
 * ```
 */
export function sourceFiles(source: SceneSource): string[] {
  return source.kind === "mat" ? [source.path] : source.kind === "raw" ? [...source.files] : [];
}

function missingMat(path: string): Error {
  return new Error(
    `Cannot load scenes: file "${path}" not found; run \`deno task fetch-data\` or set mat_path to a copy of IMAGES.mat`,
  );
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Image files of a folder sorted by name, or null when the folder does not exist. */
function imageFiles(dir: string): string[] | null {
  try {
    return [...Deno.readDirSync(dir)]
      .filter((e) => (e.isFile || e.isSymlink) && IMAGE_EXT.test(e.name))
      .map((e) => e.name)
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return null;
  }
}
