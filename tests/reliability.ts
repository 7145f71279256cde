/**
 * The engine's reliability suite: repeated trials against the toy target `chain` (three slow stages beside a
 * chain source → shout → score → report), each in a fresh project root, each checked against the metrics of
 * an undisturbed run.
 *
 * - `scheduler`: `kill -9` of the `reproduce` process at a random moment; then no entry in the cache may look
 *   complete unless it verifies by content, and a rerun must complete with the reference metrics.
 * - `worker`: `kill -9` of one running stage process at a random moment; the run fails that stage, a rerun
 *   completes with the reference metrics.
 * - `concurrent2`, `concurrent4`: 2 or 4 `reproduce` processes at once on one cache; all succeed, each key is
 *   computed exactly once (one start line in its log), the metrics are the reference's.
 * - `flip`, `truncate`, `delete`: one output file of a cached entry that a later run reads is corrupted (a flip
 *   keeps its size and mtime); the run that reads it must report it and recompute it, with the reference
 *   metrics, leaving every entry verifiable.
 * - `slurm-scheduler`: the `scheduler` trial with `--executor slurm` (where a test cluster runs).
 *
 * `tests/engine_reliability_test.ts` runs a few trials of each; `deno task reliability [--trials=N]` runs N of
 * each and writes the counts to `results/bench/reliability.json` (the README reports them).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeToyRoot } from "./fixtures/toy_root.ts";
import { reproduce } from "../pipeline/reproduce.ts";
import { Store } from "../pipeline/store.ts";
import { isTimingMetric } from "../pipeline/timing_metric.ts";
import type { Metrics } from "../pipeline/stage.ts";

const CLI = fileURLToPath(new URL("../pipeline/cli.ts", import.meta.url));
const TARGET = "chain";

/** Kinds of trial. */
export const TRIALS = [
  "scheduler",
  "worker",
  "concurrent2",
  "concurrent4",
  "flip",
  "truncate",
  "delete",
  "slurm-scheduler",
] as const;
export type TrialKind = (typeof TRIALS)[number];

/** How one trial ended: `ok`, or what was wrong. */
export interface TrialOutcome {
  ok: boolean;
  detail: string;
}

/** What every trial compares with: instance id → metrics (timings aside), from an undisturbed run. */
export async function referenceMetrics(): Promise<Record<string, Metrics>> {
  const root = await makeToyRoot();
  const result = await reproduce({ root, target: TARGET, jobs: 2 });
  if (!result.ok) throw new Error("the reference run of the chain target failed");
  return metricsOf(result.outcomes);
}

/** Options of {@linkcode runTrial}. */
export interface TrialOptions {
  reference: Record<string, Metrics>;
  /** Draws the random moments and choices. */
  random: () => number;
  /** The environment of a test Slurm cluster, for `slurm-scheduler`. */
  slurmEnv?: Record<string, string>;
}

/** Run one trial of `kind`. */
export async function runTrial(kind: TrialKind, options: TrialOptions): Promise<TrialOutcome> {
  const root = await makeToyRoot();
  try {
    switch (kind) {
      case "scheduler":
      case "slurm-scheduler":
        return await killScheduler(root, options, kind === "slurm-scheduler");
      case "worker":
        return await killWorker(root, options);
      case "concurrent2":
      case "concurrent4":
        return await concurrent(root, options, kind === "concurrent2" ? 2 : 4);
      default:
        return await corrupt(root, options, kind);
    }
  } catch (error) {
    return { ok: false, detail: `trial threw: ${(error as Error).message}` };
  }
}

async function killScheduler(root: string, o: TrialOptions, slurm: boolean): Promise<TrialOutcome> {
  const child = spawnCli(root, slurm ? ["--executor", "slurm"] : [], o.slurmEnv);
  // A run takes ~4 s locally, longer on Slurm: kill anywhere in it (or just after it).
  let exited = false;
  child.status.then(() => exited = true);
  await sleep((slurm ? 8000 : 4500) * o.random());
  // A kill point after the run's end finds the process gone (Deno's kill then throws): the finished run is checked.
  if (!exited) child.kill("SIGKILL");
  await child.status;
  const half = await unverifiedEntries(root);
  if (half.length > 0) return { ok: false, detail: `entries that look complete but do not verify: ${half}` };
  return await rerunMatches(root, o, slurm);
}

async function killWorker(root: string, o: TrialOptions): Promise<TrialOutcome> {
  const child = spawnCli(root, []);
  let exited = false;
  child.status.then(() => exited = true);
  await sleep(3500 * o.random());
  // The first stage process alive from the chosen moment on (between two stages none is).
  let pids = await workerPids(root);
  while (pids.length === 0 && !exited) {
    await sleep(50);
    pids = await workerPids(root);
  }
  if (pids.length === 0) {
    return await rerunMatches(root, o, false, "the run ended before a worker could be killed");
  }
  Deno.kill(pids[Math.floor(o.random() * pids.length)], "SIGKILL");
  const status = await child.status;
  if (status.code !== 1) {
    return { ok: false, detail: `reproduce exited ${status.code} after a worker kill (expected 1)` };
  }
  return await rerunMatches(root, o, false);
}

async function concurrent(root: string, o: TrialOptions, n: number): Promise<TrialOutcome> {
  const children = Array.from({ length: n }, () => spawnCli(root, []));
  const codes = await Promise.all(children.map(async (c) => (await c.status).code));
  if (codes.some((c) => c !== 0)) return { ok: false, detail: `exit codes ${codes}` };
  const logs = join(root, "results/cache/logs");
  for await (const entry of Deno.readDir(logs)) {
    const starts = (await Deno.readTextFile(join(logs, entry.name))).match(/^=== .* started/gm)?.length ?? 0;
    if (starts !== 1) return { ok: false, detail: `${entry.name}: ${starts} starts (expected 1)` };
  }
  return await rerunMatches(root, o, false);
}

/** Entries a later run reads, and the stage to force so that it reads them ("" for the published report). */
const READ_BY: Record<string, string> = { source: "shout", shout: "score", score: "report", report: "" };

async function corrupt(
  root: string,
  o: TrialOptions,
  how: "flip" | "truncate" | "delete",
): Promise<TrialOutcome> {
  const first = await reproduce({ root, target: TARGET, jobs: 2 });
  if (!first.ok) return { ok: false, detail: "the first run failed" };
  const candidates = first.outcomes.filter((x) => x.status === "ran" && x.id.split("[")[0] in READ_BY);
  const victim = candidates[Math.floor(o.random() * candidates.length)] as Extract<
    (typeof candidates)[number],
    { manifest: unknown }
  >;
  const files = Object.keys(victim.manifest.outputs);
  const file = files[Math.floor(o.random() * files.length)];
  const path = join(root, "results/cache", victim.manifest.kind, victim.manifest.key, "out", file);
  const bytes = await Deno.readFile(path);
  const { mtime } = await Deno.stat(path);
  if (how === "delete") await Deno.remove(path);
  else if (how === "truncate") await Deno.writeFile(path, bytes.slice(0, Math.floor(bytes.length / 2)));
  else {
    const at = Math.floor(o.random() * bytes.length);
    bytes[at] ^= 1 << Math.floor(o.random() * 8);
    await Deno.writeFile(path, bytes);
    await Deno.utime(path, mtime!, mtime!);
  }
  const stage = READ_BY[victim.id.split("[")[0]];
  const events: string[] = [];
  const second = await reproduce({
    root,
    target: TARGET,
    jobs: 2,
    force: stage ? [stage] : [],
    reporter: (e) => (e.type === "corrupt" || e.type === "start") && events.push(`${e.type} ${e.id}`),
  });
  if (!second.ok) return { ok: false, detail: "the run after the corruption failed" };
  const noticed = events.includes(`corrupt ${victim.id}`) || events.includes(`start ${victim.id}`);
  if (!noticed) {
    return { ok: false, detail: `${how} of ${victim.id}/${file} was served without recomputing it` };
  }
  const half = await unverifiedEntries(root);
  if (half.length > 0) return { ok: false, detail: `entries that do not verify after the rerun: ${half}` };
  return compare(metricsOf(second.outcomes), o.reference);
}

async function rerunMatches(root: string, o: TrialOptions, slurm: boolean, note = ""): Promise<TrialOutcome> {
  const result = await reproduce({
    root,
    target: TARGET,
    jobs: 2,
    ...(slurm ? { executor: "slurm" as const, slurm: { env: o.slurmEnv, graceMs: 2000 } } : {}),
  });
  if (!result.ok) return { ok: false, detail: "the rerun failed" };
  const tmp = [...Deno.readDirSync(join(root, "results/cache/.tmp"))];
  if (tmp.length > 0) {
    return {
      ok: false,
      detail: `temp areas left after the rerun: ${tmp.map((e) => e.name)}`,
    };
  }
  const outcome = compare(metricsOf(result.outcomes), o.reference);
  return note && outcome.ok ? { ok: true, detail: note } : outcome;
}

/** Every entry folder in the cache that does not verify by content (a half entry would be one). */
async function unverifiedEntries(root: string): Promise<string[]> {
  const store = new Store(join(root, "results/cache"));
  const bad: string[] = [];
  for (const { kind, key } of await store.entries()) {
    const state = await store.inspect(kind, key, { content: true });
    if (state.state !== "complete") bad.push(`${kind}/${key.slice(0, 8)} (${state.state})`);
  }
  return bad;
}

function metricsOf(outcomes: Awaited<ReturnType<typeof reproduce>>["outcomes"]): Record<string, Metrics> {
  const out: Record<string, Metrics> = {};
  for (const x of outcomes) {
    if (x.status !== "ran" && x.status !== "cached") continue;
    out[x.id] = Object.fromEntries(
      Object.entries(x.manifest.metrics).filter(([name]) => !isTimingMetric(name)),
    );
  }
  return out;
}

function compare(got: Record<string, Metrics>, want: Record<string, Metrics>): TrialOutcome {
  const differ = Object.keys(want).filter((id) => JSON.stringify(got[id]) !== JSON.stringify(want[id]));
  return differ.length ? { ok: false, detail: `metrics differ: ${differ}` } : { ok: true, detail: "" };
}

function spawnCli(root: string, extra: string[], env?: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "--root", root, "reproduce", TARGET, "--jobs", "2", ...extra],
    env,
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** Pids of the stage processes working in `root`'s cache (their job files live in its temp areas). */
async function workerPids(root: string): Promise<number[]> {
  const out = await new Deno.Command("pgrep", {
    args: ["-f", `${root}/results/cache/.tmp/`],
    stdout: "piped",
  })
    .output();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).map(Number);
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A seeded uniform generator (mulberry32), so that a failing trial can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (import.meta.main) {
  const { startTestCluster } = await import("./slurm_cluster.ts");
  const trials = Number(Deno.args.find((a) => a.startsWith("--trials="))?.split("=")[1] ?? 10);
  const reference = await referenceMetrics();
  const cluster = await startTestCluster();
  const counts: Record<string, { passed: number; trials: number; failures: string[] }> = {};
  for (const kind of TRIALS) {
    if (kind === "slurm-scheduler" && typeof cluster === "string") {
      console.log(`${kind}: skipped (${cluster})`);
      continue;
    }
    counts[kind] = { passed: 0, trials: 0, failures: [] };
    for (let i = 0; i < trials; i++) {
      const outcome = await runTrial(kind, {
        reference,
        random: seeded(1000 * TRIALS.indexOf(kind) + i),
        slurmEnv: typeof cluster === "string" ? undefined : cluster.env,
      });
      counts[kind].trials++;
      if (outcome.ok) counts[kind].passed++;
      else counts[kind].failures.push(`trial ${i}: ${outcome.detail}`);
    }
    console.log(
      `${kind}: ${counts[kind].passed}/${counts[kind].trials}${
        counts[kind].failures.map((f) => `\n  ${f}`).join("")
      }`,
    );
  }
  if (typeof cluster !== "string") await cluster.stop();
  const file = fileURLToPath(new URL("../results/bench/reliability.json", import.meta.url));
  await Deno.writeTextFile(
    file,
    JSON.stringify({ date: new Date().toISOString(), trialsPerKind: trials, counts }, null, 2) + "\n",
  );
  console.log(`Written: results/bench/reliability.json`);
}
