/**
 * Saving and loading a trained `ConvVsc`: `weights.bin` (float32, little-endian) + `weights.json` (config and the
 * tensor index). Used by `train_dnn` (save) and by `metrics_dnn` / `dict_estimate` (load).
 *
 * @module
 */
import { join } from "node:path";
import { tf } from "../../lib/tensor/tf.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { packTensors, type TensorIndexEntry, unpackTensors } from "../../lib/tensor/named_tensors.ts";
import { ConvVsc, type ConvVscConfig } from "../../lib/vsc/conv/mod.ts";

/** What `weights.json` holds. */
export interface SavedModel {
  config: ConvVscConfig;
  index: TensorIndexEntry[];
}

/** Write the model's tensors and config into `dir`. */
export async function saveConvVsc(model: ConvVsc, dir: string): Promise<void> {
  const { index, data } = await packTensors(model.named());
  Deno.writeFileSync(join(dir, "weights.bin"), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const saved: SavedModel = { config: model.config, index };
  Deno.writeTextFileSync(join(dir, "weights.json"), JSON.stringify(saved, null, 1));
}

/** Rebuild a model from a folder written by {@link saveConvVsc} (the caller disposes it). */
export function loadConvVsc(dir: string): ConvVsc {
  const saved: SavedModel = JSON.parse(Deno.readTextFileSync(join(dir, "weights.json")));
  const bytes = Deno.readFileSync(join(dir, "weights.bin"));
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const model = new ConvVsc(saved.config, new Rng(0));
  const tensors = unpackTensors(saved.index, data);
  model.load(tensors);
  tf.dispose(Object.values(tensors));
  return model;
}
