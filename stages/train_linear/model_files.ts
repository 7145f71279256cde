/**
 * The files a trained linear model is saved as: `model.json` (config, counters, tensor index) and
 * `model.f32` (all tensors, little-endian float32). The metrics stage loads them back.
 *
 * @module
 */
import { join } from "node:path";
import { LinearVsc, type LinearVscConfig } from "../../lib/vsc/linear_vsc.ts";
import { packTensors, type TensorIndexEntry, unpackTensors } from "../../lib/tensor/named_tensors.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { tf } from "../../lib/tensor/tf.ts";

interface ModelJson {
  config: LinearVscConfig;
  iteration: number;
  epoch: number;
  index: TensorIndexEntry[];
}

/** Write a model's two files into `dir`. */
export async function saveModel(dir: string, model: LinearVsc): Promise<void> {
  const { index, data } = await packTensors(model.named());
  const json: ModelJson = { config: model.config, iteration: model.iteration, epoch: model.epoch, index };
  await Deno.writeFile(join(dir, "model.f32"), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  await Deno.writeTextFile(join(dir, "model.json"), JSON.stringify(json, null, 1));
}

/** Load a model saved by `saveModel`; the caller disposes it. */
export async function loadModel(dir: string): Promise<LinearVsc> {
  const json: ModelJson = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
  const bytes = await Deno.readFile(join(dir, "model.f32"));
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  // The seed only fills tensors that `load` overwrites at once.
  const model = new LinearVsc(json.config, new Rng(0));
  const saved = unpackTensors(json.index, data);
  model.load(saved);
  tf.dispose(Object.values(saved));
  model.iteration = json.iteration;
  model.epoch = json.epoch;
  return model;
}
