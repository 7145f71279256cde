/**
 * `status`: every instance of a target, cached or stale and why, without running anything.
 *
 * @module
 */
import type { PlanItem } from "./plan.ts";
import { formatState } from "./reason.ts";
import { planTarget, type TargetOptions } from "./target.ts";

/** One line per instance. */
export interface StatusLine {
  id: string;
  kind: string;
  key: string;
  /** `cached`, `never run` or `stale: <reason>`. */
  state: string;
  item: PlanItem;
}

/**
 * The state of each instance of a target, in dependency order.
 *
 * @example
 * ```ts ignore
 * import { status } from "./status.ts";
 * for (const line of await status({ target: "table1" })) console.log(line.id, line.state);
 * ```
 */
export async function status(options: TargetOptions): Promise<StatusLine[]> {
  const planned = await planTarget(options);
  await planned.saveMemos();
  return planned.items.map((item) => ({
    id: item.instance.id,
    kind: item.instance.kind,
    key: item.instance.key,
    state: formatState(item.reason),
    item,
  }));
}
