/**
 * `deno task bench`: runs the benchmarks in `bench/`, each in its own process, writes
 * `results/bench/<name>.json` for each, times the same steps in PyTorch (`bench/torch/steps.py`, in blocks
 * alternating with ours) when `import torch` works, and prints one table: stock wasm kernels vs the built-in
 * fallback vs the OpenBLAS kernels (`lib/tensor/kernels.ts`) vs PyTorch.
 *
 * ```
 * deno task bench                      # everything (about 10–15 minutes on 2 cores)
 * deno task bench --quick              # fewer cases and iterations: a smoke run (about 3 minutes)
 * deno task bench linear_step torch    # only the named benchmarks (torch: with PyTorch beside them)
 * deno task bench --iterations=20      # timed iterations per case (default 10, after warm-up)
 * deno task bench torch --paper        # PyTorch conv steps also at the paper's batches (minutes per step)
 * deno task bench --no-install         # do not apt-get install python3-torch when PyTorch is missing
 * ```
 *
 * Benchmarks:
 * - `peak`: the machine's practical float32 peak, OpenBLAS sgemm 2048³ on every core (when OpenBLAS is present);
 * - `linear_step`: `LinearVsc.trainStep` at the paper's shapes, 7 methods × J ∈ {1, 20} (protocol §1.2–1.5, 2.7);
 * - `fista_batch`: `solveLasso` of 100 patches at λ = 20, 256 unit-norm atoms (protocol §1.8);
 * - `conv_step`: `ConvVsc.trainStep` for Fashion-MNIST and CelebA (protocol §3.1–3.2; batches reduced, see its doc);
 * - `memory`: peak RSS of 200 linear training steps (also under `/usr/bin/time -v` when present);
 * - `engine`: the pipeline engine's no-op rerun (`bench/engine_bench.ts`), when that file exists;
 * - `torch`: the same steps in PyTorch on 2 CPU threads, as the kernel "pytorch" of `linear_step`, `fista_batch`
 *   and `conv_step` (`bench/_torch.ts`; named alone, it runs those three). When no interpreter can
 *   `import torch`, the bench installs Debian's `python3-torch` with apt-get (as root; `--no-install` skips).
 *
 * Times are medians of ≥ 10 timed iterations after warm-up (conv cases on the stock and fallback kernels: 3 and
 * 5), wall clock, on a machine whose cores may be shared: compare within one run. Every case's fallback and fast
 * kernels and PyTorch are timed in alternating blocks (`_harness.ts` `timeCase`), so that their ratios compare
 * the same minutes. Step times spread on these shared cores (PyTorch's p10 to p90 up to 1:2.4 at J = 20 even on 2
 * threads, `_torch.ts`), so the table gives the ratio of medians and of 10th percentiles (the best a side
 * reaches). With the fast kernels each linear and FISTA case also times its products alone (`flops.ts`
 * `timeProducts`: its sgemm calls replayed back to back on operands of their own), and each linear, FISTA and
 * conv case the same calls inside the step (`timeProductsInPlace`: on the operands as the step leaves them). Every
 * timing records `tf.memory().numTensors` before and after its iterations; a difference is printed as LEAK. Optional pieces that are missing (OpenBLAS, PyTorch, `/usr/bin/time`, the engine benchmark)
 * are skipped with a line that names them; a benchmark that fails is reported and the others still run.
 *
 * Environment: `VSC_BLAS=off` disables OpenBLAS, `VSC_BLAS_LIB=/path/libopenblas.so.0` picks the library,
 * `VSC_BLAS_THREADS=n` its thread count; `VSC_PYTHON=/path/python3` the interpreter for the PyTorch side.
 *
 * @module
 */
import type { BenchResult, Timing } from "./_harness.ts";
import { findPython, installTorch } from "./_torch.ts";

const ROOT = new URL("../", import.meta.url);
const RESULTS = new URL("results/bench/", ROOT);
const DENO_MODULES = ["peak", "linear_step", "fista_batch", "conv_step", "memory"] as const;
const ALL = [...DENO_MODULES, "engine", "torch"];
/** The benchmarks that time their cases in PyTorch too, when `torch` is wanted. */
const WITH_TORCH = ["linear_step", "fista_batch", "conv_step"] as const;

const args = Deno.args;
const flags = args.filter((a) => a.startsWith("--"));
const named = args.filter((a) => !a.startsWith("--"));
for (const n of named) {
  if (!ALL.includes(n)) {
    throw new TypeError(
      `Cannot run benchmarks: unknown benchmark "${n}" (expected one of ${ALL.join(", ")})`,
    );
  }
}
const wanted = (n: string) =>
  named.length === 0 || named.includes(n) ||
  // `torch` named alone: the benchmarks it joins
  (named.length === 1 && named[0] === "torch" && (WITH_TORCH as readonly string[]).includes(n));
const skipped: string[] = [];
const failed: string[] = [];

/** Run a command, streaming nothing; returns success, stdout and stderr. */
async function run(cmd: string, cmdArgs: string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const out = await new Deno.Command(cmd, { args: cmdArgs, cwd: ROOT, stdout: "piped", stderr: "piped" })
      .output();
    const dec = new TextDecoder();
    return { ok: out.success, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } catch (e) {
    return { ok: false, stdout: "", stderr: (e as Error).message };
  }
}

async function exists(path: string | URL): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function lastLines(text: string, n = 6): string {
  return text.trim().split("\n").filter((l) => !/^\s+at /.test(l)).slice(-n).join("\n    ");
}

// 1. PyTorch, with the first interpreter that can import torch (installed first when it may be).
let python: string | undefined;
if (wanted("torch")) {
  python = await findPython();
  if (!python && !flags.includes("--no-install")) {
    const why = await installTorch();
    if (why) skipped.push(`torch: ${why}`);
    else python = await findPython();
  }
  if (!python && !skipped.some((s) => s.startsWith("torch:"))) {
    skipped.push("torch: PyTorch not installed (apt-get install python3-torch)");
  }
}

// 2. The Deno benchmarks, one process each; those in WITH_TORCH time PyTorch beside their own kernels.
for (const name of DENO_MODULES) {
  if (!wanted(name)) continue;
  const t0 = performance.now();
  console.log(`running ${name} …`);
  const script = `bench/${name}.ts`;
  const timeV = name === "memory" && await exists("/usr/bin/time");
  const moduleFlags = python && (WITH_TORCH as readonly string[]).includes(name)
    ? [...flags, `--python=${python}`]
    : flags;
  const r = timeV
    ? await run("/usr/bin/time", ["-v", Deno.execPath(), "run", "-A", script, ...moduleFlags])
    : await run(Deno.execPath(), ["run", "-A", script, ...moduleFlags]);
  if (!r.ok) {
    failed.push(`${name}: ${lastLines(r.stderr || r.stdout)}`);
    continue;
  }
  if (name === "memory") {
    if (!timeV) {
      skipped.push(
        "memory under /usr/bin/time -v: /usr/bin/time not found (Deno.memoryUsage sampling still ran)",
      );
    }
    const max = r.stderr.match(/Maximum resident set size \(kbytes\): (\d+)/);
    if (max) await annotateMemory(Number(max[1]));
  }
  console.log(`  done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

async function annotateMemory(maxKb: number): Promise<void> {
  const path = new URL("memory.json", RESULTS);
  const result = JSON.parse(await Deno.readTextFile(path)) as BenchResult;
  result.timings[0].extra = { ...result.timings[0].extra, timeVMaxRssMiB: Math.round(maxKb / 1024) };
  await Deno.writeTextFile(path, JSON.stringify(result, null, 2) + "\n");
}

// 3. The engine benchmark, written by the pipeline's author as a standalone script.
if (wanted("engine")) {
  if (!(await exists(new URL("bench/engine_bench.ts", ROOT)))) {
    skipped.push("engine: bench/engine_bench.ts not present");
  } else {
    console.log("running engine …");
    const r = await run(Deno.execPath(), ["run", "-A", "bench/engine_bench.ts"]);
    if (!r.ok) failed.push(`engine: ${lastLines(r.stderr || r.stdout)}`);
  }
}

// 4. The table, from whatever result files exist.
async function load<T>(name: string): Promise<T | null> {
  try {
    return JSON.parse(await Deno.readTextFile(new URL(`${name}.json`, RESULTS))) as T;
  } catch {
    return null;
  }
}

const fmt = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(1));
const ratio = (a?: number, b?: number) => (a && b ? (a / b).toFixed(2) : "—");
const gflops = (t?: Timing) => (t?.flops ? t.flops / (t.medianMs * 1e6) : undefined);
const peak = (await load<BenchResult>("peak"))?.timings[0];
const peakGflops = peak?.flops ? peak.flops / (peak.medianMs * 1e6) : undefined;
const header = ["benchmark".padEnd(12), "case".padEnd(32), "stock ms", "fallbk ms", "fast ms", "fallbk/fast"];
header.push("torch ms");
header.push(
  "fast/torch",
  "p10 ratio",
  "prod ms",
  "prod/torch",
  "inplace ms",
  "inpl/torch",
  "webgpu ms",
  "GFLOP/s",
  "% peak",
);
console.log("");
console.log(`${header.map((h, i) => (i < 2 ? h : h.padStart(10))).join(" ")}  tensors`);
for (const name of ["linear_step", "fista_batch", "conv_step"]) {
  const result = await load<BenchResult>(name);
  for (const c of new Set((result?.timings ?? []).map((t) => t.case))) {
    const of = (kernel: string) => result?.timings.find((t) => t.case === c && t.kernel === kernel);
    const [stock, fallback, fast, gpu, py] = [
      of("stock"),
      of("fallback"),
      of("fast"),
      of("webgpu"),
      of("pytorch"),
    ];
    // What this machine trains on: OpenBLAS when it has it, else the built-in product.
    const ours = fast ?? fallback ?? stock;
    const leak = [stock, fallback, fast, gpu].some((t) => t && t.numTensorsBefore !== t.numTensorsAfter)
      ? "LEAK"
      : result
      ? "same"
      : "";
    // The case's products alone (flops.ts timeProducts), replayed on operands of their own.
    const products = Number(ours?.extra?.productsMs) || undefined;
    // The same calls timed inside the step (flops.ts timeProductsInPlace): what they cost where they run.
    const inPlace = Number(ours?.extra?.productsInPlaceMs) || undefined;
    const cells = [
      fmt(stock?.medianMs),
      fmt(fallback?.medianMs),
      fmt(fast?.medianMs),
      ratio(fallback?.medianMs, fast?.medianMs),
      fmt(py?.medianMs),
      ratio(ours?.medianMs, py?.medianMs),
      ratio(ours?.p10Ms, py?.p10Ms),
      fmt(products),
      ratio(products, py?.medianMs),
      fmt(inPlace),
      ratio(inPlace, py?.medianMs),
      fmt(gpu?.medianMs),
      fmt(gflops(ours)),
      peakGflops && gflops(ours) ? fmt((100 * gflops(ours)!) / peakGflops) : "—",
    ];
    console.log(`${name.padEnd(12)} ${c.padEnd(32)} ${cells.map((x) => x.padStart(10)).join(" ")}  ${leak}`);
  }
}
if (peakGflops) {
  console.log(
    `\nGFLOP/s: the case's matrix-product flops (bench/flops.ts) over its median time, for "fast" (else fallback, else stock); ` +
      `% peak: of ${
        peakGflops.toFixed(1)
      } GFLOP/s, the best OpenBLAS sgemm 2048³ on every core (bench/peak.ts); ` +
      `prod ms: the case's sgemm calls alone, replayed back to back on operands of their own (bench/flops.ts ` +
      `timeProducts); prod/torch: that over PyTorch's median; ` +
      `inplace ms: the same calls timed inside the step (bench/flops.ts timeProductsInPlace: operands as the ` +
      `step leaves them), median per step; inpl/torch: that over PyTorch's median`,
  );
}
const memory = await load<BenchResult>("memory");
if (memory) {
  const e = memory.timings[0].extra ?? {};
  console.log(
    `\nmemory: peak RSS ${e.rssPeakMiB} MiB sampled` +
      (e.timeVMaxRssMiB ? `, ${e.timeVMaxRssMiB} MiB by /usr/bin/time -v` : "") +
      `, wasm heap ${e.wasmHeapMiB} MiB, ${memory.timings[0].medianMs} ms/step (${memory.notes[0]})`,
  );
}
const engine = await load<Record<string, unknown>>("engine");
if (engine && wanted("engine")) console.log(`engine: ${JSON.stringify(engine).slice(0, 300)}`);
for (const s of skipped) console.log(`skipped: ${s}`);
for (const f of failed) console.log(`FAILED ${f}`);
console.log(`\nresults in ${RESULTS.pathname}`);
if (failed.length > 0) Deno.exitCode = 1;
