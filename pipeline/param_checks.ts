/**
 * Checks stage kinds use in `validate`: one error grammar for a bad parameter value.
 *
 * @module
 */
import type { Params } from "./stage.ts";

/**
 * Throw a `RangeError` naming each of `keys` whose value is not an integer ≥ `min`.
 *
 * @example
 * ```ts
 * import { requireIntegers } from "./param_checks.ts";
 * let message = "";
 * try { requireIntegers({ passes: 1 }, ["passes"], 2); } catch (e) { message = (e as Error).message; }
 * if (message !== "params.passes must be an integer ≥ 2, received 1") throw new Error(message);
 * ```
 */
export function requireIntegers(params: Params, keys: readonly string[], min: number): void {
  for (const k of keys) {
    const v = params[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      throw new RangeError(`params.${k} must be an integer ≥ ${min}, received ${v}`);
    }
  }
}
