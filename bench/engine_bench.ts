/**
 * Engine benchmark (not a test): a 50-instance toy DAG, run once, then a timed no-op rerun and `status`,
 * both through the CLI as a user would call them (process start included).
 *
 * Usage: `deno run -A bench/engine_bench.ts`. Writes `results/bench/engine.json`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { makeToyRoot } from "../tests/fixtures/toy_root.ts";

const CLI = fileURLToPath(new URL("../pipeline/cli.ts", import.meta.url));
const OUT = fileURLToPath(new URL("../results/bench/engine.json", import.meta.url));
const TIMES = Array.from({ length: 24 }, (_, i) => i + 1);

// source → shout × 24 → score × 24 → report: 50 instances of 4 kinds.
const root = await makeToyRoot();
await Deno.writeTextFile(
  join(root, "experiments/bench.yaml"),
  `stages:
  source: { kind: concat, params: { text: abc } }
  shout: { kind: upper, matrix: { times: [${TIMES.join(", ")}] }, inputs: { text: source } }
  score: { kind: score, foreach: shout, inputs: { text: shout } }
  report: { kind: report, inputs: { scores: "score[]" } }
`,
);

async function cli(...args: string[]): Promise<number> {
  const start = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "--root", root, ...args],
  }).output();
  if (!output.success) {
    throw new Error(
      `Cannot run the benchmark: "${args.join(" ")}" failed:\n${new TextDecoder().decode(output.stderr)}`,
    );
  }
  return (performance.now() - start) / 1000;
}

const firstRunS = await cli("reproduce", "bench");
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const noop: number[] = [];
const statusRuns: number[] = [];
for (let i = 0; i < 3; i++) {
  noop.push(await cli("reproduce", "bench"));
  statusRuns.push(await cli("status", "bench"));
}
const report = {
  stages: 50,
  first_run_s: round(firstRunS),
  noop_rerun_s: round(median(noop)),
  status_s: round(median(statusRuns)),
  cores: navigator.hardwareConcurrency,
  date: new Date().toISOString(),
  deno: Deno.version.deno,
};
await Deno.mkdir(join(OUT, ".."), { recursive: true });
await Deno.writeTextFile(OUT, `${JSON.stringify(report, null, 2)}\n`);

console.log("| measure                  | seconds |");
console.log("|--------------------------|---------|");
console.log(`| first run (50 instances) | ${report.first_run_s.toFixed(2).padStart(7)} |`);
console.log(`| no-op rerun (median of 3)| ${report.noop_rerun_s.toFixed(2).padStart(7)} |`);
console.log(`| status (median of 3)     | ${report.status_s.toFixed(2).padStart(7)} |`);
console.log(`goal: no-op rerun ≤ 1 s; written to ${OUT}`);

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
