/**
 * Loading stage kinds from `stages/<name>/mod.ts`.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { StageKind } from "./stage.ts";

/** Loaded kinds, and the module path each came from. */
export interface Kinds {
  kinds: Map<string, StageKind>;
  modules: Map<string, string>;
}

/**
 * Import the named kinds that exist under `stagesDir`. Missing ones are left out, so that the
 * experiment check can name the YAML field that refers to them.
 */
export async function loadKinds(stagesDir: string, names: Iterable<string>): Promise<Kinds> {
  const kinds = new Map<string, StageKind>();
  const modules = new Map<string, string>();
  await Promise.all([...new Set(names)].map(async (name) => {
    const module = join(stagesDir, name, "mod.ts");
    if (!existsSync(module)) return;
    let stage: StageKind | undefined;
    try {
      ({ stage } = await import(pathToFileURL(module).href));
    } catch (error) {
      throw new Error(`Cannot load stage kind "${name}": ${(error as Error).message.split("\n")[0]}`);
    }
    if (!stage || typeof stage.run !== "function" || typeof stage.defaults !== "object") {
      throw new TypeError(
        `Cannot load stage kind "${name}": ${module} must export "stage" with "defaults" and "run"`,
      );
    }
    if (stage.name !== name) {
      throw new TypeError(
        `Cannot load stage kind "${name}": its "stage.name" is "${stage.name}" (expected "${name}")`,
      );
    }
    kinds.set(name, stage);
    modules.set(name, module);
  }));
  return { kinds, modules };
}
