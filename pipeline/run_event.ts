/**
 * What `reproduce` reports while it runs; the CLI turns these into progress lines and bars.
 *
 * @module
 */
import type { Reason } from "./reason.ts";
import type { StageFailedError } from "./stage_failed_error.ts";
import type { Progress } from "./stage.ts";

/** One progress event of a stage instance. */
export type RunEvent =
  | { type: "cached"; id: string }
  /** Served by the entry of its previous run (`from`, a key): its changed inputs came out unchanged. */
  | { type: "reused"; id: string; from: string }
  | { type: "waiting"; id: string; pid: number }
  | { type: "corrupt"; id: string; detail: string }
  | { type: "start"; id: string; reason: Reason; log: string }
  | { type: "progress"; id: string; progress: Progress }
  | { type: "done"; id: string; seconds: number }
  | { type: "failed"; id: string; error: StageFailedError }
  | { type: "skipped"; id: string; upstream: string }
  | { type: "notice"; kind: string; message: string };
