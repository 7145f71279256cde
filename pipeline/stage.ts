/**
 * The stage contract: what a stage kind declares and what it receives when it runs.
 *
 * A stage kind lives in `stages/<name>/mod.ts` and exports `stage`. The engine never imports tfjs or the
 * model library; it only sees this interface.
 *
 * @module
 */

/** JSON-serialisable parameter values. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A stage's parameters after defaults are applied: a flat-or-nested JSON object. */
export type Params = { [key: string]: Json };
/** Metrics a stage returns; stored in its manifest and in the target's lock file. */
export type Metrics = { [key: string]: Json };

/** An upstream stage instance as seen from a downstream stage. */
export interface Upstream {
  /** The instance id, e.g. `train[method=gaussian,samples=1,seed=0]`. */
  id: string;
  /** Cache key of the upstream instance. */
  key: string;
  /** Resolved parameters of the upstream instance. */
  params: Params;
  /** Metrics the upstream instance returned. */
  metrics: Metrics;
  /** Its output folder; read-only for the consumer. */
  dir: string;
}

/** Progress report from a running stage; the CLI draws it as a bar with ETA. */
export interface Progress {
  /** Units done so far (e.g. epochs). */
  done: number;
  /** Units in all. */
  total: number;
  /** What a unit is, e.g. "epoch". */
  unit?: string;
  /** A short status line, e.g. "loss 1.23". */
  info?: string;
}

/** What `run` receives. */
export interface StageContext<P extends Params = Params> {
  /** Resolved parameters (defaults ← experiment ← profile ← matrix). */
  params: P;
  /** The only folder the stage may write to; empty at start. */
  outDir: string;
  /** The single upstream instance bound to input `name`. Throws if `name` is a gathered input. */
  input(name: string): Upstream;
  /** All upstream instances bound to a gathered input `name` (`inputs: {x: stage[]}` in YAML). */
  inputList(name: string): Upstream[];
  /** Compute backend chosen at run time: "wasm", "webgpu" or "cpu". */
  backend: string;
  /** Report progress (rate-limited by the engine). */
  progress(p: Progress): void;
  /** Write a line to the stage's log file. */
  log(message: string): void;
}

/** A stage kind. */
export interface StageKind<P extends Params = Params> {
  /** Unique name; equals its folder name under `stages/` and its cache folder name. */
  name: string;
  /** One-line description for `status`. */
  description?: string;
  /** Defaults for every allowed parameter: a key not in here is an error (strict keys). */
  defaults: P;
  /** Throws `TypeError`/`RangeError` naming the bad field ("params.epochs must be ≥ 1, received 0"). */
  validate?(params: P): void;
  /** Data files the stage reads outside the pipeline; hashed by content into the cache key. */
  files?(params: P): string[];
  /** True when results depend on the compute backend; the backend then enters the cache key. */
  usesBackend?: boolean;
  /**
   * A line to show once before instances of this kind run, or undefined: something the user should know and
   * can act on, such as a fast path that is unavailable and the command that enables it. Must be quick.
   */
  notice?(): Promise<string | undefined>;
  /** Run the stage; write outputs under `ctx.outDir`; return metrics. */
  run(ctx: StageContext<P>): Promise<Metrics | void>;
}
