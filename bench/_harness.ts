/**
 * Shared pieces of the benchmarks: timing with warm-up and medians, tensor-count bookkeeping, the kernel
 * switch (stock wasm vs OpenBLAS), and writing `results/bench/<name>.json`.
 *
 * @module
 */
import { tf } from "../lib/tensor/tf.ts";
import { useBackend } from "../lib/tensor/backend.ts";
import { gpuAdapterDescription } from "../lib/tensor/gpu_probe.ts";
import { registerFastKernels, unregisterFastKernels } from "../lib/tensor/kernels.ts";
import { blasThreads, readEnv } from "../lib/tensor/blas/blas.ts";
import { openWasmBlas } from "../lib/tensor/blas/wasm_sgemm.ts";
import { TorchServer } from "./_torch.ts";

/**
 * Which matrix-product kernels a measurement used; "pytorch" is the same case in PyTorch (`_torch.ts`), which
 * runs in a process of its own.
 */
export type KernelChoice = "stock" | "fallback" | "fast" | "webgpu" | "pytorch";

/** One timed case. Times in milliseconds. */
export interface Timing {
  /** Case name, e.g. "thr_laplacian J=20". */
  case: string;
  kernel: KernelChoice;
  /** What the kernel switch reported ("openblas sgemm (2 threads)", "stock …"). */
  kernelInfo?: string;
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  iterations: number;
  warmup: number;
  /** tf.memory().numTensors before the first and after the last iteration (equal: no leak). */
  numTensorsBefore?: number;
  numTensorsAfter?: number;
  /** Floating-point work of one iteration: its matrix products' 2·m·n·k (`flops.ts`). */
  flops?: number;
  /** Free-form extras (e.g. FISTA iterations). */
  extra?: Record<string, number | string>;
}

/** The file a benchmark writes. */
export interface BenchResult {
  name: string;
  description: string;
  /** Environment the numbers were taken in. */
  env: { deno: string; v8: string; cpus: number; os: string; backend: string; date: string };
  /** Notes the reader needs (batch sizes, what was skipped, noise). */
  notes: string[];
  timings: Timing[];
}

/** Options of {@linkcode timeIt}. */
export interface TimeOptions {
  /** Untimed iterations first. @default 2 */
  warmup?: number;
  /** Timed iterations. @default 10 */
  iterations?: number;
}

/** Percentile by nearest rank on a sorted copy. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
}

/**
 * Time `step` (it must finish its device work before it returns or resolves, e.g. by reading a scalar)
 * `iterations` times after `warmup` untimed calls; returns the median and 10th/90th percentiles with the tensor
 * counts around the runs.
 */
export async function timeIt(
  label: { case: string; kernel: KernelChoice; kernelInfo?: string },
  step: Step,
  options: TimeOptions = {},
): Promise<Timing> {
  const warmup = options.warmup ?? 2;
  const iterations = options.iterations ?? 10;
  for (let i = 0; i < warmup; i++) await step();
  const before = tf.memory().numTensors;
  const ms: number[] = [];
  await timeSteps(step, iterations, ms);
  return timingOf(label, ms, {
    iterations,
    warmup,
    numTensorsBefore: before,
    numTensorsAfter: tf.memory().numTensors,
  });
}

/**
 * A step of a case. It must finish its device work before it returns or resolves (e.g. by reading a scalar); it
 * returns its own time in ms when it takes it elsewhere (PyTorch's steps, timed in their process).
 */
export type Step = () => void | number | Promise<void | number>;

/** Call `step` `n` times, appending each call's time (ms: its wall time, or the one it returns) to `ms`. */
async function timeSteps(step: Step, n: number, ms: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const own = await step();
    ms.push(typeof own === "number" ? own : performance.now() - t0);
  }
}

/** The timing of a case from its step times: median and 10th/90th percentiles, in ms to the µs. */
export function timingOf(
  label: { case: string; kernel: KernelChoice; kernelInfo?: string },
  ms: number[],
  rest: Pick<Timing, "iterations" | "warmup" | "numTensorsBefore" | "numTensorsAfter" | "extra">,
): Timing {
  return {
    ...label,
    ...msStats(ms),
    p90Ms: roundMs(percentile(ms, 0.9)),
    ...rest,
  };
}

/**
 * One kernel's side of {@linkcode timeInterleaved}: the kernel, the case's step on it, and, where this side
 * differs from the options (a slow kernel timed on fewer steps), its own warm-up and timed steps.
 */
export interface InterleavedSide extends TimeOptions {
  kernel: KernelChoice;
  step: Step;
  /** What ran it, when not the Deno kernels that {@linkcode useKernels} reports (PyTorch). */
  kernelInfo?: string;
}

/**
 * Options of {@linkcode timeInterleaved}: `warmup` untimed steps of each side before its first block and
 * `iterations` timed steps of each side in all, as {@linkcode timeIt}'s (unless the side sets its own), split
 * into `rounds` blocks a side (at most as many as the side with the fewest timed steps has).
 */
export interface InterleavedOptions extends TimeOptions {
  /** Blocks per side; each side's block runs after the other sides' blocks of the same round. @default 5 */
  rounds?: number;
  /**
   * Untimed steps before each block, for at least this many ms (at least one step). Why: after another side's
   * block, or any idle spell, the first 50–100 ms of steps run slower on this machine — in 4 of 5 blocks after a
   * 300 ms sleep our Gaussian J = 1 step took 12–19 ms for its first 3–6 steps, against 8–11 ms after (2026-12-04,
   * no other process running) — and that would fall on whichever side had waited. @default {@linkcode SETTLE_MS}
   */
  settleMs?: number;
}

/**
 * Time the same case on several kernels in alternating blocks, so that the ratio of two sides' times compares
 * steps taken in the same minutes: round r runs a block of each side (the kernels switched with
 * {@linkcode useKernels}, the order of the sides reversed every other round), each block after untimed steps
 * for `settleMs` (the other side has just evicted this one's operands from the caches, or, in another process,
 * left this one idle). Timed back to back instead, two kernels' times of one case were minutes apart, and this
 * machine's speed moves by 10–40% within that (the same products replayed alone took 13.1 and 18.9 ms in two
 * cases of one run). Returns one timing per side, in the
 * order of `sides`, each as {@linkcode timeIt} makes it; the kernels of the last block's side are left active.
 */
export async function timeInterleaved(
  caseName: string,
  sides: readonly InterleavedSide[],
  options: InterleavedOptions = {},
): Promise<Timing[]> {
  const state = sides.map((side) => ({
    warmup: side.warmup ?? options.warmup ?? 2,
    iterations: side.iterations ?? options.iterations ?? 10,
    kernelInfo: "",
    before: 0,
    after: 0,
    ms: [] as number[],
  }));
  const rounds = Math.max(1, Math.min(options.rounds ?? ROUNDS, ...state.map((s) => s.iterations)));
  const settleMs = options.settleMs ?? SETTLE_MS;
  for (let r = 0; r < rounds; r++) {
    const order = sides.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const side = sides[i], s = state[i];
      s.kernelInfo = side.kernelInfo ?? await useKernels(side.kernel);
      if (r === 0) { for (let w = 0; w < s.warmup; w++) await side.step(); }
      const settled = performance.now() + settleMs;
      do await side.step(); while (performance.now() < settled);
      if (r === 0) s.before = tf.memory().numTensors;
      // an even share of the iterations, the remainder in the first blocks
      const block = Math.floor(s.iterations / rounds) + (r < s.iterations % rounds ? 1 : 0);
      await timeSteps(side.step, block, s.ms);
      s.after = tf.memory().numTensors;
    }
  }
  return sides.map(({ kernel }, i) =>
    timingOf({ case: caseName, kernel, kernelInfo: state[i].kernelInfo }, state[i].ms, {
      iterations: state[i].iterations,
      warmup: state[i].warmup,
      numTensorsBefore: state[i].before,
      numTensorsAfter: state[i].after,
      extra: { rounds },
    })
  );
}

/**
 * Kernels timed in alternating blocks of each case ({@linkcode timeCase}), those of them a run has: their
 * ratios are #10's targets (fallback over fast, ours over PyTorch).
 */
export const PAIRED: readonly KernelChoice[] = ["fallback", "fast", "pytorch"];

/** How many alternating blocks of a case each {@linkcode PAIRED} kernel gets, by default. */
export const ROUNDS = 5;

/** Untimed steps before each block of {@linkcode timeInterleaved}, in ms, by default (why: `settleMs`). */
export const SETTLE_MS = 150;

/** The {@linkcode PAIRED} kernels among `kernels` when there are two or more (else none: nothing to alternate). */
function pairedKernels(kernels: readonly KernelChoice[]): KernelChoice[] {
  const present = kernels.filter((k) => PAIRED.includes(k));
  return present.length >= 2 ? present : [];
}

/** A case's step built for one kernel, what frees what it holds, and what ran it when not the Deno kernels. */
export interface CaseSide {
  step: Step;
  dispose: () => void | Promise<void>;
  kernelInfo?: string;
}

/** One kernel's result of {@linkcode timeCase}: its timing and the side it timed (the caller disposes it). */
export interface KernelRun {
  kernel: KernelChoice;
  timing: Timing;
  side: CaseSide;
}

/**
 * Time one case on each of `kernels`: the {@linkcode PAIRED} ones, when there are two or more, in alternating
 * blocks as `interleave` says ({@linkcode timeInterleaved}: this machine's speed drifts between minutes, and their ratios
 * should compare the same minutes), the others one after another ({@linkcode timeIt}). `make(kernel)` builds
 * the case's step for `kernel` while that kernel is active (a side holds tensors of its backend); `options`
 * gives a kernel's warm-up and timed steps. Returns one run per kernel, in the order of `kernels`.
 */
export async function timeCase(
  caseName: string,
  kernels: readonly KernelChoice[],
  make: (kernel: KernelChoice) => CaseSide | Promise<CaseSide>,
  options: (kernel: KernelChoice) => TimeOptions,
  interleave: Pick<InterleavedOptions, "rounds" | "settleMs"> = {},
): Promise<KernelRun[]> {
  const paired = pairedKernels(kernels);
  const runs = new Map<KernelChoice, KernelRun>();
  for (const kernel of kernels.filter((k) => !paired.includes(k))) {
    const kernelInfo = await useKernels(kernel);
    const side = await make(kernel);
    const label = { case: caseName, kernel, kernelInfo: side.kernelInfo ?? kernelInfo };
    runs.set(kernel, { kernel, side, timing: await timeIt(label, side.step, options(kernel)) });
  }
  if (paired.length > 0) {
    const sides = new Map<KernelChoice, CaseSide>();
    for (const kernel of paired) {
      await useKernels(kernel);
      sides.set(kernel, await make(kernel));
    }
    const interleaved = paired.map((kernel) => ({ ...options(kernel), ...sides.get(kernel)!, kernel }));
    for (const timing of await timeInterleaved(caseName, interleaved, interleave)) {
      runs.set(timing.kernel, { kernel: timing.kernel, timing, side: sides.get(timing.kernel)! });
    }
  }
  return kernels.map((kernel) => runs.get(kernel)!);
}

/** A time in ms, rounded to the µs (as every timing records it). */
export function roundMs(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Median and 10th percentile of times in ms, to the µs. */
export function msStats(ms: number[]): { medianMs: number; p10Ms: number } {
  return { medianMs: roundMs(percentile(ms, 0.5)), p10Ms: roundMs(percentile(ms, 0.1)) };
}

/**
 * Run `body` with `target[key]` replaced by `wrap` of it, then put it back (also when `body` throws). Code that
 * looks the function up at call time — a method through its prototype, `blas.sgemm` — calls the wrapper.
 */
export async function withReplaced<T extends object, K extends keyof T>(
  target: T,
  key: K,
  wrap: (original: T[K]) => T[K],
  body: () => unknown,
): Promise<void> {
  const original = target[key];
  target[key] = wrap(original);
  try {
    await body();
  } finally {
    target[key] = original;
  }
}

/**
 * The time spent in `target[key]` inside real steps: `iterations` calls of `step` with every call of that
 * function timed (its wall time on the calling thread: wasm kernels and FFI calls run synchronously there),
 * summed per step; median and 10th percentile over the steps, in ms.
 *
 * @example
 * ```ts
 * import { timeCallsInPlace } from "./_harness.ts";
 * const work = { spin(ms: number) { const end = performance.now() + ms; while (performance.now() < end); } };
 * const { medianMs } = await timeCallsInPlace(() => { work.spin(2); work.spin(1); }, 5, work, "spin");
 * if (!(medianMs >= 3)) throw new Error("both calls of a step are summed");
 * ```
 */
export async function timeCallsInPlace<T extends object, K extends keyof T>(
  step: Step,
  iterations: number,
  target: T,
  key: K,
): Promise<{ medianMs: number; p10Ms: number }> {
  let inStep = 0;
  const ms: number[] = [];
  await withReplaced(
    target,
    key,
    (original) =>
      timedCalls(original as (...args: never[]) => unknown, { n: 0 }, (t) => (inStep += t)) as T[K],
    async () => {
      for (let i = 0; i < iterations; i++) {
        inStep = 0;
        await step();
        ms.push(inStep);
      }
    },
  );
  return msStats(ms);
}

/** Call depth of a wrapped function, shared by wrappers whose calls nest (kernels run kernels). */
export type Depth = { n: number };

/**
 * `f` wrapped so that the wall time of each outermost call (`depth.n` 0 before it) goes to `add`; calls made
 * inside another call of a wrapper sharing `depth` are not added. A call costs ~0.1 µs more (two
 * `performance.now()`).
 */
export function timedCalls<F extends (...args: never[]) => unknown>(
  f: F,
  depth: Depth,
  add: (ms: number) => void,
): F {
  return function (this: unknown, ...args: Parameters<F>) {
    const t0 = performance.now();
    depth.n++;
    try {
      return f.apply(this, args);
    } finally {
      if (--depth.n === 0) add(performance.now() - t0);
    }
  } as unknown as F;
}

/** Activate the backend and kernels of `kernel`; returns their description. */
export async function useKernels(kernel: KernelChoice): Promise<string> {
  if (kernel === "pytorch") return "pytorch"; // another process: the Deno side's kernels stay as they are
  if (kernel === "webgpu") {
    await useBackend("webgpu");
    return `webgpu (${(await gpuAdapterDescription()).description})`;
  }
  await useBackend("wasm");
  unregisterFastKernels();
  if (kernel === "fast") return registerFastKernels();
  // What a machine without OpenBLAS runs: the built-in WebAssembly SIMD sgemm.
  if (kernel === "fallback") return registerFastKernels({ blas: openWasmBlas(blasThreads(readEnv())) });
  return "stock wasm";
}

/**
 * The kernels to compare: stock wasm, OpenBLAS when present, and webgpu when a hardware GPU adapter is and
 * tfjs can read from it synchronously (each missing one with a note saying why).
 */
export async function availableKernels(notes: string[]): Promise<KernelChoice[]> {
  const info = await useKernels("fast");
  unregisterFastKernels();
  const kernels: KernelChoice[] = ["stock", "fallback"];
  if (!info.startsWith("openblas")) notes.push(`fast kernel skipped: ${info}`);
  else kernels.push("fast");
  const adapter = await gpuAdapterDescription();
  if (adapter.hardware) kernels.push("webgpu");
  else notes.push(`webgpu skipped: ${adapter.description} (a software adapter is slower than wasm)`);
  return kernels;
}

/**
 * The kernels a run times: `--kernel`'s, or every one available ({@linkcode availableKernels}); with `--python`,
 * also "pytorch", served by a {@linkcode TorchServer} that the caller closes.
 */
export async function benchKernels(
  flags: BenchFlags,
  notes: string[],
): Promise<{ kernels: KernelChoice[]; torch?: TorchServer }> {
  const kernels = flags.kernel ? [flags.kernel] : await availableKernels(notes);
  let torch: TorchServer | undefined;
  if (flags.python) {
    torch = await TorchServer.start(flags.python);
    notes.push(`pytorch: ${torch.description} (bench/torch/steps.py), each step timed in Python`);
    kernels.push("pytorch");
  }
  const paired = pairedKernels(kernels).join(", ");
  const how =
    `timed in alternating blocks of each case (${ROUNDS} a side, fewer when a side has fewer timed ` +
    `steps: extra.rounds), each after ${SETTLE_MS} ms of untimed steps (bench/_harness.ts timeCase)`;
  if (paired) notes.push(`${paired}: ${how}`);
  return { kernels, torch };
}

/** The environment block of a result. */
export function environment(): BenchResult["env"] {
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    cpus: navigator.hardwareConcurrency,
    os: `${Deno.build.os}-${Deno.build.arch}`,
    backend: tf.getBackend() ?? "none",
    date: new Date().toISOString(),
  };
}

/** Where results go: `results/bench/` at the repository root. */
export const RESULTS_DIR = new URL("../results/bench/", import.meta.url);

/** Write `results/bench/<name>.json` atomically (temporary file, then rename). */
export async function writeResult(result: BenchResult): Promise<string> {
  await Deno.mkdir(RESULTS_DIR, { recursive: true });
  const path = new URL(`${result.name}.json`, RESULTS_DIR);
  const tmp = new URL(`${result.name}.json.tmp`, RESULTS_DIR);
  await Deno.writeTextFile(tmp, JSON.stringify(result, null, 2) + "\n");
  await Deno.rename(tmp, path);
  return path.pathname;
}

/** Command-line flags every benchmark module accepts. */
export interface BenchFlags {
  /** Fewer cases and iterations, for a smoke run. */
  quick: boolean;
  /** Timed iterations per case (`--iterations=N`). */
  iterations: number;
  /** Only these kernels (`--kernel=stock|fallback|fast|webgpu`). */
  kernel?: KernelChoice;
  /** Also time each case in PyTorch with this interpreter (`--python=PATH`, `_torch.ts`). */
  python?: string;
  /** Also the conv steps at the paper's batches, in PyTorch only (`--paper`; minutes per step). */
  paper: boolean;
}

/**
 * Parse `--quick`, `--iterations=N`, `--kernel=stock|fallback|fast|webgpu` (webgpu: also on a software adapter),
 * `--python=PATH` and `--paper`.
 */
export function parseFlags(args: string[]): BenchFlags {
  const quick = args.includes("--quick");
  const it = args.find((a) => a.startsWith("--iterations="));
  const k = args.find((a) => a.startsWith("--kernel="))?.slice(9);
  if (k !== undefined && !["stock", "fallback", "fast", "webgpu"].includes(k)) {
    throw new TypeError(
      `Cannot parse benchmark flags: --kernel must be "stock", "fallback", "fast" or "webgpu", received "${k}"`,
    );
  }
  return {
    quick,
    iterations: it ? Number(it.slice(13)) : quick ? 3 : 10,
    kernel: k as KernelChoice | undefined,
    python: args.find((a) => a.startsWith("--python="))?.slice(9),
    paper: args.includes("--paper"),
  };
}

/** Print a one-line summary of each timing (benchmarks print; library code does not). */
export function printTimings(result: BenchResult): void {
  for (const t of result.timings) {
    const leak = t.numTensorsBefore === t.numTensorsAfter
      ? ""
      : ` LEAK ${t.numTensorsBefore}→${t.numTensorsAfter}`;
    console.log(
      `${result.name}  ${t.case.padEnd(34)} ${t.kernel.padEnd(8)} ${
        t.medianMs.toFixed(2).padStart(10)
      } ms${leak}`,
    );
  }
}
