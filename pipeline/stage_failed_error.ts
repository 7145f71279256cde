/**
 * The error a failed stage instance is reported with.
 *
 * @module
 */

/** A stage instance failed; `log` holds its output. */
export class StageFailedError extends Error {
  constructor(readonly stage: string, readonly key: string, readonly log: string, readonly reason: string) {
    super(`Cannot run stage "${stage}": ${reason} (log: ${log})`);
    this.name = "StageFailedError";
  }
}
