/**
 * Why a stage instance must run: a discriminated union whose formatter is the text `status` prints.
 *
 * @module
 */
import type { Json } from "./stage.ts";

/** One changed parameter, as a dotted path with its earlier and current values. */
export interface ParamChange {
  field: string;
  old: Json | undefined;
  new: Json | undefined;
}

/** Why an instance is not served from the cache. */
export type Reason =
  /** No earlier run of this instance id is known. */
  | { type: "new" }
  /** An earlier run is known and nothing below explains the miss (e.g. `gc` removed the entry). */
  | { type: "missing" }
  | { type: "params"; changes: ParamChange[] }
  /** Local modules (relative paths) and packages that changed, appeared or disappeared. */
  | { type: "code"; files: string[] }
  /** Data files from `stage.files(params)` whose content changed. */
  | { type: "data"; files: string[] }
  | { type: "env"; changes: ParamChange[] }
  /** Upstream instance ids whose keys (or, after a forced rerun, outputs) changed. */
  | { type: "input"; upstream: string[] }
  /** Named by `--force`. */
  | { type: "forced" }
  /** The entry exists but does not match its manifest. */
  | { type: "corrupt"; detail: string };

/**
 * The user-facing text of a reason.
 *
 * @example
 * ```ts
 * import { formatReason } from "./reason.ts";
 * const text = formatReason({ type: "params", changes: [{ field: "epochs", old: 1, new: 2 }] });
 * if (text !== "params changed: epochs 1 → 2") throw new Error(text);
 * ```
 */
export function formatReason(reason: Reason): string {
  switch (reason.type) {
    case "new":
      return "never run";
    case "missing":
      return "cache entry missing";
    case "params":
      return `params changed: ${formatChanges(reason.changes)}`;
    case "code":
      return `code changed: ${shortList(reason.files)}`;
    case "data":
      return `data changed: ${shortList(reason.files)}`;
    case "env":
      return `environment changed: ${formatChanges(reason.changes)}`;
    case "input":
      return `input changed: ${shortList(reason.upstream)}`;
    case "forced":
      return "forced";
    case "corrupt":
      return `corrupt entry: ${reason.detail}`;
  }
}

/** `cached`, `never run`, or `stale: <reason>`: one instance's line in `status`. */
export function formatState(reason: Reason | null): string {
  if (reason === null) return "cached";
  return reason.type === "new" ? "never run" : `stale: ${formatReason(reason)}`;
}

function formatChanges(changes: ParamChange[]): string {
  const show = (v: Json | undefined) => v === undefined ? "(absent)" : JSON.stringify(v);
  return changes.map((c) => `${c.field} ${show(c.old)} → ${show(c.new)}`).join(", ");
}

function shortList(items: string[]): string {
  return items.length <= 4
    ? items.join(", ")
    : `${items.slice(0, 4).join(", ")} and ${items.length - 4} more`;
}
