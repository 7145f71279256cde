/**
 * What a cache entry records about the run that produced it.
 *
 * @module
 */
import type { CodeHash } from "./code_hash.ts";
import type { Json, Metrics, Params } from "./stage.ts";

/** `<cacheDir>/<kind>/<key>/manifest.json`. Its presence marks an entry complete. */
export interface Manifest {
  key: string;
  /** Instance id of the run that produced the entry (other ids with the same key share it). */
  id: string;
  kind: string;
  params: Params;
  inputKeys: Record<string, string | string[]>;
  code: CodeHash;
  /** Data file → content sha256. */
  files: Record<string, string | null>;
  env: Record<string, Json>;
  /** For kinds that use a backend: which one ran and why (the adapter `--backend auto` found). Not in the key. */
  backendInfo?: string;
  /** ISO timestamps. */
  start: string;
  end: string;
  durationS: number;
  metrics: Metrics;
  /** Output file, relative to the entry's `out/` folder → sha256. */
  outputs: Record<string, string>;
  /**
   * Set when the entry was not computed for this key but copied from the entry of the instance's previous run,
   * whose inputs had the same outputs (early cut-off): that entry's key. Timings and metrics are its run's.
   */
  reusedFrom?: string;
}

/** What the engine remembers of an instance's latest run, to explain the next miss (`index.json`). */
export type PreviousRun = Pick<Manifest, "key" | "params" | "inputKeys" | "files" | "env"> & {
  code: Pick<CodeHash, "files" | "packages">;
};
