/**
 * The code hash of a stage kind: its module, every local module it reaches, and the exact versions of
 * the packages it reaches.
 *
 * Each local module counts by its code fingerprint (`code_fingerprint.ts`: its syntax tree without comments or
 * formatting), so editing a comment or running `deno fmt` changes no key. The module graph comes from
 * `deno info --json`, which follows static and literal dynamic imports, type
 * imports included. Graphs are memoised on disk and reused while every file in them (and the config and
 * lock file, which decide how bare specifiers resolve) keeps its size and mtime: a changed file is the only
 * way a graph can change, so a no-op rerun spawns no `deno info` at all.
 *
 * @module
 */
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256 } from "./_hash.ts";
import { atomicWrite, readJsonIfExists } from "./_fs.ts";
import { canonicalJson } from "./canonical_json.ts";
import type { FileHashes } from "./file_hashes.ts";

/** What a stage kind's code is, as recorded in manifests. */
export interface CodeHash {
  /** sha256 of the canonical JSON of `{files, packages}`. */
  hash: string;
  /** Local module path (relative to the project root) → code fingerprint. */
  files: Record<string, string>;
  /** Exact package versions reached, sorted: `npm:yaml@2.8.1`, remote module URLs. */
  packages: string[];
}

type Stamp = Record<string, string>;
type Graph = { stamp: Stamp; files: string[]; packages: string[] };

/** Options of {@linkcode CodeHasher}. */
export interface CodeHasherOptions {
  /** Project root that file paths are made relative to. */
  root: string;
  /** deno.json used to resolve bare specifiers; its lock file sits beside it. */
  config: string;
  /** Where graphs are memoised between runs. */
  memoPath: string;
  /** Code fingerprints of the files in the graph (a {@linkcode FileHashes} with `fingerprintFile`). */
  fileHashes: FileHashes;
}

/** Computes {@linkcode CodeHash}es, once per module per run. */
export class CodeHasher {
  #inRun = new Map<string, Promise<CodeHash>>();
  #memo: Promise<Record<string, Graph>> | undefined;
  #dirty = false;

  constructor(readonly options: CodeHasherOptions) {}

  /** Code hash of the module at `modulePath` (absolute). */
  hash(modulePath: string): Promise<CodeHash> {
    let pending = this.#inRun.get(modulePath);
    if (!pending) this.#inRun.set(modulePath, pending = this.#compute(modulePath));
    return pending;
  }

  /** Persist graphs computed in this run. */
  async save(): Promise<void> {
    if (!this.#dirty || !this.#memo) return;
    await atomicWrite(this.options.memoPath, JSON.stringify(await this.#memo));
  }

  async #compute(modulePath: string): Promise<CodeHash> {
    const memo = await (this.#memo ??= readJsonIfExists<Record<string, Graph>>(this.options.memoPath)
      .catch(() => undefined).then((m) => m ?? {}));
    let graph = memo[modulePath];
    if (!graph || !sameStamp(graph.stamp, await stampOf(graph.files.concat(this.#resolutionFiles())))) {
      graph = await this.#graph(modulePath);
      memo[modulePath] = graph;
      this.#dirty = true;
    }
    const files: Record<string, string> = {};
    for (const file of graph.files) {
      files[relative(this.options.root, file)] = await this.options.fileHashes.hash(file) ?? "missing";
    }
    return {
      hash: sha256(canonicalJson({ files, packages: graph.packages })),
      files,
      packages: graph.packages,
    };
  }

  #resolutionFiles(): string[] {
    return [this.options.config, resolve(this.options.config, "../deno.lock")];
  }

  async #graph(modulePath: string): Promise<Graph> {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", this.options.config, modulePath],
      cwd: this.options.root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      const reason = new TextDecoder().decode(output.stderr).trim().split("\n")[0];
      throw new Error(`Cannot hash the code of "${modulePath}": ${reason}`);
    }
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as DenoInfo;
    const files: string[] = [];
    const packages = new Set<string>();
    const addNpm = (id: string) => {
      if (packages.has(`npm:${id}`)) return;
      packages.add(`npm:${id}`);
      for (const dependency of info.npmPackages?.[id]?.dependencies ?? []) addNpm(dependency);
    };
    for (const module of info.modules) {
      if (module.error) throw new Error(`Cannot hash the code of "${modulePath}": ${module.error}`);
      if (module.kind === "npm" && module.npmPackage) addNpm(module.npmPackage);
      else if (module.specifier.startsWith("file:")) files.push(fileURLToPath(module.specifier));
      else if (/^https?:/.test(module.specifier)) packages.add(module.specifier);
    }
    files.sort();
    return {
      stamp: await stampOf(files.concat(this.#resolutionFiles())),
      files,
      packages: [...packages].sort(),
    };
  }
}

interface DenoInfo {
  modules: { kind?: string; specifier: string; npmPackage?: string; error?: string }[];
  npmPackages?: Record<string, { dependencies?: string[] }>;
}

async function stampOf(paths: string[]): Promise<Stamp> {
  const stamp: Stamp = {};
  await Promise.all(paths.map(async (path) => {
    try {
      const stat = await Deno.stat(path);
      stamp[path] = `${stat.size}:${stat.mtime?.getTime()}`;
    } catch {
      stamp[path] = "missing";
    }
  }));
  return stamp;
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((key) => a[key] === b[key]);
}
