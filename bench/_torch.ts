/**
 * The PyTorch side of the benchmarks: `bench/torch/steps.py` as a server in a child process, whose cases join a
 * benchmark's own as the kernel "pytorch", timed in blocks alternating with ours (`_harness.ts` `timeCase`).
 * Each step's time is PyTorch's own wall time of it, taken in Python (the pipe's round trip is not counted).
 *
 * Also where the interpreter comes from: `VSC_PYTHON`, `python3` or `/usr/bin/python3`, the first that can
 * `import torch`; when none can, Debian's `python3-torch` is installed with apt-get (as root; `bench/run.ts`
 * does this once, before the benchmarks, unless given `--no-install`).
 *
 * @module
 */
import type { CaseSide } from "./_harness.ts";

const ROOT = new URL("../", import.meta.url);

/** The first interpreter that can `import torch`, or undefined. */
export async function findPython(): Promise<string | undefined> {
  const candidates = [Deno.env.get("VSC_PYTHON"), "python3", "/usr/bin/python3"].filter((p): p is string =>
    !!p
  );
  for (const p of candidates) {
    try {
      const out = await new Deno.Command(p, { args: ["-c", "import torch"], stdout: "null", stderr: "null" })
        .output();
      if (out.success) return p;
    } catch {
      // not installed: try the next
    }
  }
}

/**
 * Install Debian's `python3-torch` with apt-get when this process may (root, apt-get present). Returns why it
 * could not, or undefined once installed.
 */
export async function installTorch(): Promise<string | undefined> {
  try {
    await Deno.stat("/usr/bin/apt-get");
  } catch {
    return "PyTorch not installed and no apt-get here to install python3-torch";
  }
  if (Deno.uid() !== 0) return "PyTorch not installed (run: sudo apt-get install python3-torch)";
  console.log("installing python3-torch with apt-get for the PyTorch side (--no-install skips) …");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const apt = async (args: string[]) =>
    (await new Deno.Command("apt-get", { args, env, stdout: "null", stderr: "piped" }).output()).success;
  const ok = await apt(["install", "-y", "-qq", "python3-torch"]) ||
    (await apt(["update", "-qq"]) && await apt(["install", "-y", "-qq", "python3-torch"]));
  return ok ? undefined : "apt-get install python3-torch failed";
}

/**
 * The OpenBLAS threads of PyTorch's process, unless `OPENBLAS_NUM_THREADS` is set. Why 1: Debian's PyTorch runs
 * its elementwise ops on 2 OpenMP threads and its products on OpenBLAS (here the pthread build, a pool of its
 * own, whose workers spin ~0.1 s after each product): as installed, 3 or 4 busy threads share the 2 cores, and
 * single elementwise ops took 14–64 ms instead of ~1 ms. With OpenBLAS on 1 thread PyTorch ran every benchmark
 * case faster and steadier (2026-12-04, medians, its steps alone, as installed → 1 OpenBLAS thread): Gaussian
 * J = 1 11.7 → 8.8 ms, thresholded Laplacian J = 20 68.4 → 45.5, thresholded Gaussian+Γ J = 20 186 → 107,
 * FISTA planted 7.9 → 5.3, FISTA 500 iterations 81.4 → 70.4, Fashion-MNIST conv 611 → 458. The reference is
 * PyTorch on 2 threads, not on 3 or 4.
 */
export const TORCH_OPENBLAS_THREADS = "1";

/** A running `steps.py` server. */
export class TorchServer {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  /** "PyTorch <version> on CPU, <n> threads, OPENBLAS_NUM_THREADS=<t> (<python>)", a timing's kernelInfo. */
  readonly description: string;

  private constructor(child: Deno.ChildProcess, lines: AsyncIterator<string>, description: string) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = lines;
    this.description = description;
  }

  /**
   * Start the server: `python` running `args` (`bench/torch/steps.py`; another server in tests). Throws
   * "Cannot start …" when it exits before its first line.
   */
  static async start(python: string, args = ["bench/torch/steps.py"]): Promise<TorchServer> {
    const openblasThreads = Deno.env.get("OPENBLAS_NUM_THREADS") ?? TORCH_OPENBLAS_THREADS;
    const child = new Deno.Command(python, {
      args,
      cwd: ROOT,
      env: { OPENBLAS_NUM_THREADS: openblasThreads },
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = linesOf(child.stdout);
    const first = await lines.next();
    if (first.done) {
      await child.stdin.close();
      await child.status;
      throw new Error(`Cannot start the PyTorch side: ${python} ${args.join(" ")} exited without a word`);
    }
    const hello = JSON.parse(first.value) as { torch: string; threads: number };
    const description =
      `PyTorch ${hello.torch} on CPU, ${hello.threads} threads, OPENBLAS_NUM_THREADS=${openblasThreads} (${python})`;
    return new TorchServer(child, lines, description);
  }

  async #ask<T>(request: unknown): Promise<T> {
    await this.#writer.write(new TextEncoder().encode(JSON.stringify(request) + "\n"));
    const line = await this.#lines.next();
    if (line.done) throw new Error("Cannot run the PyTorch side: bench/torch/steps.py exited");
    const reply = JSON.parse(line.value) as T & { error?: string };
    if (reply.error) {
      throw new Error(`Cannot run the PyTorch side of ${JSON.stringify(request)}: ${reply.error}`);
    }
    return reply;
  }

  /**
   * The case `caseName` of the benchmark `bench` on PyTorch: each step runs one step there and resolves to its
   * time in ms; disposing forgets the case's model there.
   */
  side(bench: string, caseName: string): CaseSide {
    return {
      kernelInfo: this.description,
      step: async () => (await this.#ask<{ ms: number[] }>({ bench, case: caseName, steps: 1 })).ms[0],
      dispose: async () => void await this.#ask({ drop: [bench, caseName] }),
    };
  }

  /** Close its stdin and wait for it to exit. */
  async close(): Promise<void> {
    await this.#writer.close();
    await this.#child.status;
  }
}

/** The lines of a byte stream. */
async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + text).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest) yield rest;
}
