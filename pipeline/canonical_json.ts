/**
 * Canonical JSON: the one serialisation that cache keys and lock files are built from.
 *
 * @module
 */
import type { Json } from "./stage.ts";

/**
 * Serialise `value` with object keys sorted at every depth and `undefined` members dropped, so that two
 * equal values always give the same text. `indent` > 0 gives the human-readable form used by lock files.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./canonical_json.ts";
 * if (canonicalJson({ b: 1, a: [true, { d: null, c: "x" }] }) !== '{"a":[true,{"c":"x","d":null}],"b":1}') {
 *   throw new Error("keys not sorted");
 * }
 * ```
 */
export function canonicalJson(value: unknown, indent = 0): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new RangeError(`Cannot serialise number: "${value}" has no JSON form`);
  }
  return value as Json;
}
