/**
 * How the CLI shows a run: one line per stage event, and on a terminal a bar with ETA per running stage
 * that reports progress. Off a terminal (CI, tests) progress becomes a plain line at most every 10 s per
 * stage, so logs stay short.
 *
 * @module
 */
import process from "node:process";
import { formatReason } from "./reason.ts";
import type { RunEvent } from "./run_event.ts";
import type { Progress } from "./stage.ts";

const PLAIN_PROGRESS_EVERY_MS = 10_000;

/** A progress display; `stop` must be called before printing anything else. */
export interface ProgressView {
  onEvent(event: RunEvent): void;
  stop(): void;
}

/** A progress display writing to stdout; bars only when `tty`. */
export async function progressView(tty: boolean): Promise<ProgressView> {
  const started = new Map<string, number>();
  const line = (status: string, id: string, detail = "") =>
    `  ${status.padEnd(8)} ${id}${detail ? `  ${detail}` : ""}`;
  const text = (event: RunEvent): string | undefined => {
    switch (event.type) {
      case "cached":
        return line("cached", event.id);
      case "reused":
        return line(
          "reused",
          event.id,
          `its changed inputs came out unchanged: entry ${event.from.slice(0, 12)} serves it`,
        );
      case "waiting":
        return line("waiting", event.id, `computed by process ${event.pid}`);
      case "corrupt":
        return line("corrupt", event.id, `${event.detail}, recomputing`);
      case "start":
        started.set(event.id, Date.now());
        return line("running", event.id, formatReason(event.reason));
      case "done":
        return line("done", event.id, `in ${event.seconds.toFixed(1)} s`);
      case "failed":
        return line("FAILED", event.id, event.error.message);
      case "skipped":
        return line("skipped", event.id, `upstream "${event.upstream}" failed`);
      case "progress":
        return undefined;
      case "notice":
        return `  note     ${event.kind}: ${event.message}`;
    }
  };
  // cli-progress is loaded only where bars are drawn, to keep cached reruns quick to start.
  return tty
    ? barView((await import("cli-progress")).default, text, started)
    : plainView(text, started, line);
}

function plainView(
  text: (event: RunEvent) => string | undefined,
  started: Map<string, number>,
  line: (status: string, id: string, detail?: string) => string,
): ProgressView {
  const lastShown = new Map<string, number>();
  return {
    onEvent(event) {
      if (event.type !== "progress") {
        console.log(text(event));
        return;
      }
      const now = Date.now();
      if (now - (lastShown.get(event.id) ?? started.get(event.id) ?? 0) < PLAIN_PROGRESS_EVERY_MS) return;
      lastShown.set(event.id, now);
      const p = event.progress;
      const eta = etaSeconds(p, now - (started.get(event.id) ?? now));
      console.log(line(
        "progress",
        event.id,
        `${p.done}/${p.total}${p.unit ? ` ${p.unit}` : ""}` +
          `${eta === undefined ? "" : `, ETA ${Math.round(eta)} s`}${p.info ? `, ${p.info}` : ""}`,
      ));
    },
    stop() {},
  };
}

function barView(
  cliProgress: any,
  text: (event: RunEvent) => string | undefined,
  started: Map<string, number>,
): ProgressView {
  const multibar = new cliProgress.MultiBar({
    stream: process.stdout,
    format: "  {bar} {percentage}% | {id} | {value}/{total} {unit} | ETA {eta_formatted} {info}",
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 20,
  }, cliProgress.Presets.shades_classic);
  const bars = new Map<string, any>();
  const closeBar = (id: string) => {
    const bar = bars.get(id);
    if (bar) multibar.remove(bar);
    bars.delete(id);
  };
  return {
    onEvent(event) {
      if (event.type === "progress") {
        const { done, total, unit = "", info = "" } = event.progress;
        const bar = bars.get(event.id);
        if (bar) bar.update(done, { id: event.id, unit, info });
        else bars.set(event.id, multibar.create(total, done, { id: event.id, unit, info }));
        return;
      }
      if (event.type === "done" || event.type === "failed") closeBar(event.id);
      if (event.type === "start") started.set(event.id, Date.now());
      // MultiBar prints its log buffer only while it redraws bars.
      if (bars.size > 0) multibar.log(`${text(event)}\n`);
      else console.log(text(event));
    },
    stop() {
      multibar.update();
      multibar.stop();
    },
  };
}

function etaSeconds(p: Progress, elapsedMs: number): number | undefined {
  if (p.done <= 0 || p.total <= 0) return undefined;
  return (elapsedMs / 1000) * (p.total - p.done) / p.done;
}
