/**
 * Loading a tfjs graph model (`model.json` + binary weight shards, the tensorflowjs_converter output) from the
 * local file system, without fetch: a custom `tf.io.IOHandler` reads the JSON and concatenates the shards.
 *
 * @module
 */
import { dirname, join } from "node:path";
import * as tfjs from "@tensorflow/tfjs";

/** The parts of model.json this loader reads. */
interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
}

/** The files of a graph model: model.json and its weight shards, as absolute-or-relative paths. */
export function graphModelFiles(modelJsonPath: string): string[] {
  let json: ModelJson;
  try {
    json = JSON.parse(Deno.readTextFileSync(modelJsonPath));
  } catch (e) {
    throw new Error(`Cannot read graph model ${modelJsonPath}: ${(e as Error).message}`);
  }
  return [
    modelJsonPath,
    ...json.weightsManifest.flatMap((g) => g.paths.map((p) => join(dirname(modelJsonPath), p))),
  ];
}

/** A `tf.io.IOHandler` that loads model.json and its shards from disk. */
export function fileIOHandler(modelJsonPath: string): tfjs.io.IOHandler {
  return {
    load: async () => {
      const json: ModelJson = JSON.parse(await Deno.readTextFile(modelJsonPath));
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest) {
        for (const p of group.paths) buffers.push(await Deno.readFile(join(dirname(modelJsonPath), p)));
      }
      const total = buffers.reduce((a, b) => a + b.length, 0);
      const weightData = new Uint8Array(total);
      let off = 0;
      for (const b of buffers) {
        weightData.set(b, off);
        off += b.length;
      }
      return {
        modelTopology: json.modelTopology as never,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tfjs.io.WeightsManifestEntry[],
        weightData: weightData.buffer,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
        signature: json.signature as never,
        userDefinedMetadata: json.userDefinedMetadata as never,
        modelInitializer: json.modelInitializer as never,
      };
    },
  };
}

/** Load a graph model from `<dir>/model.json`. */
export async function loadGraphModelFromDir(dir: string): Promise<tfjs.GraphModel> {
  const path = join(dir, "model.json");
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(
      `Cannot load graph model: ${path} not found; pass the folder written by tensorflowjs_converter`,
    );
  }
  return await tfjs.loadGraphModel(fileIOHandler(path));
}
