/**
 * Where the engine finds things; every command takes these options and fills in the defaults here.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";

/** Locations shared by `reproduce`, `status`, `gc` and `diff`. */
export interface EngineOptions {
  /** Project root; relative paths in experiments and `stage.files` resolve against it. @default Deno.cwd() */
  root?: string;
  /** @default "<root>/results/cache" */
  cacheDir?: string;
  /** Folder holding `<kind>/mod.ts`. @default "<root>/stages" */
  stagesDir?: string;
  /** Folder holding `<target>.yaml`. @default "<root>/experiments" */
  experimentsDir?: string;
  /** Where lock files and published outputs go. @default "<root>/results" */
  resultsDir?: string;
  /** Compute backend passed to stages. @default webgpu with a hardware adapter, else wasm */
  backend?: string;
  /** deno.json that resolves stage imports. @default "<root>/deno.json", else the engine's own */
  config?: string;
}

/** {@linkcode EngineOptions} with every location resolved to an absolute path. */
export type ResolvedOptions = Required<Omit<EngineOptions, "backend">> & Pick<EngineOptions, "backend">;

/** Fill in the defaults of {@linkcode EngineOptions}. */
export function resolveOptions(options: EngineOptions): ResolvedOptions {
  const root = resolve(options.root ?? Deno.cwd());
  const at = (path: string | undefined, fallback: string) => resolve(root, path ?? fallback);
  const ownConfig = fileURLToPath(new URL("../deno.json", import.meta.url));
  return {
    root,
    cacheDir: at(options.cacheDir, "results/cache"),
    stagesDir: at(options.stagesDir, "stages"),
    experimentsDir: at(options.experimentsDir, "experiments"),
    resultsDir: at(options.resultsDir, "results"),
    backend: options.backend,
    config: options.config
      ? resolve(root, options.config)
      : existsSync(join(root, "deno.json"))
      ? join(root, "deno.json")
      : ownConfig,
  };
}
