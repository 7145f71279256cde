/**
 * How values appear inside error messages.
 *
 * @module
 */

/** A received value, short and quoted when a string: `"ten"`, `3`, `a list`. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "object") return "a mapping";
  const text = typeof value === "string" ? `"${value}"` : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}

/** `"a", "b", "c"`. */
export function quoteList(values: Iterable<string>): string {
  return [...values].map((v) => `"${v}"`).join(", ");
}
