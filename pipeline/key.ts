/**
 * The cache key of a stage instance: sha256 of the canonical JSON of everything that decides its outputs.
 *
 * @module
 */
import { sha256 } from "./_hash.ts";
import { canonicalJson } from "./canonical_json.ts";
import type { Json, Params } from "./stage.ts";

/** Everything that enters a cache key, and nothing else. */
export interface KeyInput {
  /** Stage kind name: two kinds never share an entry even with equal params. */
  kind: string;
  /** Parameters after kind defaults, experiment params, profile params and matrix values are merged. */
  params: Params;
  /** Input name → upstream instance key (a list for gathered inputs, in gathering order). */
  inputKeys: Record<string, string | string[]>;
  /** {@linkcode CodeHash}`.hash` of the kind's module graph. */
  codeHash: string;
  /** Data file path relative to the project root → content sha256, `null` when absent. */
  files: Record<string, string | null>;
  /**
   * What the run environment contributes: for kinds with `usesBackend`, `{backend, kernels}` — the backend and
   * what computes its matrix products (`pipeline/backend.ts`: an OpenBLAS build's kernel family rounds otherwise
   * than another's); `{}` for the others.
   */
  env: Record<string, Json>;
}

/**
 * The cache key of a stage instance.
 *
 * Deliberately left out, each because it cannot change the outputs:
 * - instance id, stage name, matrix identity: outputs depend on the resolved params, not on names; two
 *   stages with equal params and inputs share one entry.
 * - experiment description, target name, profile name: they act only through the resolved params.
 * - timestamps, durations, host, pid: they describe a run, not its inputs.
 * - output paths, cache dir, project root location: entries must survive moving the project.
 * - `--jobs`, `--dry-run`, `--force`, progress display: scheduling choices.
 * - upstream metrics and output file hashes: the upstream key already fixes them (Merkle DAG).
 * - backend and product kernels for kinds without `usesBackend`: their results do not depend on them.
 * - the thread count of a stage's products: any count gives the same bits (`lib/tensor/blas/row_split.ts`).
 *
 * @example
 * ```ts
 * import { cacheKey } from "./key.ts";
 * const key = cacheKey({ kind: "concat", params: { text: "a" }, inputKeys: {}, codeHash: "0", files: {}, env: {} });
 * if (!/^[0-9a-f]{64}$/.test(key)) throw new Error("not a sha256");
 * ```
 */
export function cacheKey(input: KeyInput): string {
  const { kind, params, inputKeys, codeHash, files, env } = input;
  return sha256(canonicalJson({ kind, params, inputKeys, codeHash, files, env }));
}
