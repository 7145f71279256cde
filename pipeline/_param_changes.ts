/**
 * Differences between two parameter objects, shared by the planner's reasons and `diff`.
 *
 * @module
 */
import type { ParamChange } from "./reason.ts";
import type { Json } from "./stage.ts";

/** Dotted paths whose values differ, descending into mappings present on both sides; sorted. */
export function paramChanges(
  before: Record<string, Json>,
  after: Record<string, Json>,
  prefix = "",
): ParamChange[] {
  const out: ParamChange[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const [a, b] = [before[key], after[key]];
    if (isMapping(a) && isMapping(b)) out.push(...paramChanges(a, b, `${prefix}${key}.`));
    else if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field: `${prefix}${key}`, old: a, new: b });
  }
  return out;
}

function isMapping(value: Json | undefined): value is Record<string, Json> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
