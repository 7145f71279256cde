/**
 * `deno task fetch-data`: get the data sets the pipeline can use beyond its embedded default.
 *
 * ```
 * deno run -A data/fetch.ts [--dest data-cache/] [--dataset olshausen|fashion-mnist|celeba]
 * ```
 *
 * - `olshausen` (default): downloads Olshausen's `IMAGES.mat` from the sparsenet page, checks that it
 *   holds `IMAGES` (N×N×K) and compares its git blob id with the known copy (a mismatch is a warning: other
 *   copies exist), and writes `<dest>/IMAGES.mat` atomically. `source: "auto"` then picks it up from
 *   `data-cache/IMAGES.mat`.
 * - `fashion-mnist`: prints how to install it from Debian and the upstream URLs.
 * - `celeba`: prints the manual-download steps (the data set sits behind a Google Drive form).
 *
 * The network and the printer are injected (`main(args, io)`), so that everything but the download itself
 * is tested offline.
 *
 * @module
 */
import { Command } from "commander";
import { join } from "node:path";
import { gitBlobId, IMAGES_MAT_BLOB_ID } from "./git_blob.ts";
import { readMatVariable } from "./mat_v5.ts";
import { writeFileAtomic } from "./_write_atomic.ts";

/** Olshausen's sparsenet page serves the whitened scenes here. */
export const IMAGES_MAT_URL = "http://www.rctn.org/bruno/sparsenet/IMAGES.mat";

/** Side effects of the command, injectable for tests. */
export interface FetchIO {
  fetch: typeof fetch;
  print: (line: string) => void;
  error: (line: string) => void;
}

/** The result of checking a downloaded IMAGES.mat. */
export interface MatCheck {
  blobId: string;
  /** The blob id equals the known IMAGES.mat's. */
  verified: boolean;
  dims: number[];
}

/**
 * Check that `bytes` is a MAT-file with an N×N×K `IMAGES` and compare its git blob id with the known copy.
 * Throws (naming `file`) when it is not a usable IMAGES.mat; a blob id mismatch only sets `verified: false`.
 *
 * @example
 * ```ts
 * import { checkImagesMat } from "./fetch.ts";
 * let message = "";
 * try {
 *   checkImagesMat(new TextEncoder().encode("<html>404</html>"), "IMAGES.mat");
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.startsWith('Cannot read MAT-file "IMAGES.mat"')) throw new Error(message);
 * ```
 */
export function checkImagesMat(bytes: Uint8Array, file: string): MatCheck {
  const v = readMatVariable(bytes, "IMAGES", file);
  if (v.dims.length < 2 || v.dims.length > 3 || v.dims[0] !== v.dims[1]) {
    throw new RangeError(
      `Cannot use MAT-file "${file}": IMAGES has dims [${v.dims.join(", ")}], expected [N, N, K]`,
    );
  }
  const blobId = gitBlobId(bytes);
  return { blobId, verified: blobId === IMAGES_MAT_BLOB_ID, dims: v.dims };
}

/**
 * Download IMAGES.mat into `dest` (skipped when a verified copy is already there); returns its path.
 * Throws one-line errors: network failure, HTTP status, or a body that is not IMAGES.mat.
 */
export async function fetchImagesMat(dest: string, io: FetchIO, url = IMAGES_MAT_URL): Promise<string> {
  const path = join(dest, "IMAGES.mat");
  const existing = await Deno.readFile(path).catch(() => null);
  if (existing && gitBlobId(existing) === IMAGES_MAT_BLOB_ID) {
    io.print(`IMAGES.mat already present and verified: ${path}`);
    return path;
  }
  let bytes: Uint8Array;
  try {
    const response = await io.fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    throw new Error(
      `Cannot fetch ${url}: ${(e as Error).message}; download it by hand and pass its path as mat_path, ` +
        `or rely on the raw scenes or the embedded default`,
    );
  }
  let check: MatCheck;
  try {
    check = checkImagesMat(bytes, url);
  } catch (e) {
    throw new Error(
      `Cannot fetch ${url}: the response is not IMAGES.mat (${(e as Error).message}); nothing was written`,
    );
  }
  if (!check.verified) {
    io.error(`warning: ${url} has git blob id ${check.blobId}, not ${IMAGES_MAT_BLOB_ID}; keeping it anyway`);
  }
  await writeFileAtomic(path, bytes);
  io.print(
    `wrote ${path} (IMAGES ${check.dims.join("×")}, git blob ${check.blobId}${
      check.verified ? ", verified" : ""
    })`,
  );
  return path;
}

/** How to get Fashion-MNIST. */
export function fashionMnistInstructions(): string[] {
  const upstream = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com";
  return [
    "Fashion-MNIST is not downloaded by this command. Either:",
    "  sudo apt-get install -y dataset-fashion-mnist    # files in /usr/share/datasets/fashion-mnist/",
    "or download the four upstream files (gzip md5 in brackets):",
    `  ${upstream}/train-images-idx3-ubyte.gz  [8d4fb7e6c68d591d4c3dfef9ec88bf0d]`,
    `  ${upstream}/train-labels-idx1-ubyte.gz  [25c81989df183df01b3e8a0aad5dffbe]`,
    `  ${upstream}/t10k-images-idx3-ubyte.gz   [bef4ecab320f06d8554ea6380940ec79]`,
    `  ${upstream}/t10k-labels-idx1-ubyte.gz   [bb300cfdad3c16e7a12a480ee83cd310]`,
    "Debian re-compressed its copies, so their gzip md5 differs; the decompressed idx files are identical.",
  ];
}

/** How to get CelebA. */
export function celebaInstructions(dest: string): string[] {
  return [
    "CelebA must be downloaded by hand (its files sit behind a Google Drive agreement):",
    "  1. open https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html and follow 'Align&Cropped Images';",
    "  2. download img_align_celeba.zip (1.4 GB, 202,599 JPEGs of 178×218);",
    `  3. unzip it so that the images lie in ${join(dest, "celeba", "img_align_celeba")}/000001.jpg …;`,
    "  4. point the CelebA loader at that img_align_celeba/ folder.",
    "The split follows the file numbers: ≤ 162770 train, ≤ 182637 val, the rest test.",
  ];
}

/** The command line; returns the exit code. */
export async function main(args: string[], io: FetchIO = defaultIO()): Promise<number> {
  const program = new Command()
    .name("fetch-data")
    .description("Download or explain how to get the data sets")
    .option("--dest <dir>", "destination folder", "data-cache/")
    .option("--dataset <name>", "olshausen | fashion-mnist | celeba", "olshausen")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.print(s.trimEnd()), writeErr: (s) => io.error(s.trimEnd()) });
  try {
    program.parse(args, { from: "user" });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code ?? 2;
  }
  const { dest, dataset } = program.opts<{ dest: string; dataset: string }>();
  try {
    if (dataset === "olshausen") await fetchImagesMat(dest, io);
    else if (dataset === "fashion-mnist") fashionMnistInstructions().forEach((l) => io.print(l));
    else if (dataset === "celeba") celebaInstructions(dest).forEach((l) => io.print(l));
    else {
      io.error(
        `Cannot fetch data: unknown dataset "${dataset}"; expected "olshausen", "fashion-mnist" or "celeba"`,
      );
      return 2;
    }
  } catch (e) {
    io.error((e as Error).message);
    return 1;
  }
  return 0;
}

function defaultIO(): FetchIO {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    print: (l) => console.log(l),
    error: (l) => console.error(l),
  };
}

if (import.meta.main) Deno.exit(await main(Deno.args));
