/**
 * The procedure of `dictionary_structure` (see mod.ts).
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, StageContext } from "../../pipeline/stage.ts";
import type { DictionaryStructureParams } from "./mod.ts";
import { type BackendName, useBackend } from "../../lib/tensor/backend.ts";
import { readFloats } from "../../lib/tensor/readback.ts";
import { dictionaryStructure } from "../../lib/sparse/dictionary_structure.ts";
import { loadModel } from "../train_linear/model_files.ts";

export async function run(ctx: StageContext<DictionaryStructureParams>): Promise<Metrics> {
  await useBackend(ctx.backend as BackendName);
  const run = ctx.input("run");
  const measure = async (dir: string) => {
    const model = await loadModel(dir);
    try {
      const a = await readFloats(model.dictionary);
      return {
        iteration: model.iteration,
        ...dictionaryStructure(a, model.dictionary.shape, ctx.params.min_norm),
      };
    } finally {
      model.dispose();
    }
  };
  const snapshots: number[] = [];
  try {
    for await (const e of Deno.readDir(join(run.dir, "snapshots"))) {
      if (e.isDirectory) snapshots.push(Number(e.name));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const course = [];
  for (const it of snapshots.sort((a, b) => a - b)) {
    course.push(await measure(join(run.dir, "snapshots", String(it))));
  }
  const final = await measure(run.dir);
  if (course.at(-1)?.iteration !== final.iteration) course.push(final);
  await Deno.writeTextFile(join(ctx.outDir, "structure.json"), JSON.stringify(course, null, 1));
  return { method: run.params.method, samples: run.params.samples, seed: run.params.seed, ...final };
}
