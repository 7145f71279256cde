/** The block schedule of `timeInterleaved`: who runs when, how many steps each side gets, and what is timed. */
import { timeCallsInPlace, timeCase, timeInterleaved } from "./_harness.ts";

Deno.test("timeInterleaved() alternates blocks, reverses the order every other round and times every side's share", async () => {
  const log: string[] = [];
  const sides = (["fallback", "stock"] as const).map((kernel) => ({
    kernel,
    step: () => void log.push(kernel),
  }));
  const [a, b] = await timeInterleaved("case", sides, { warmup: 2, iterations: 7, rounds: 3, settleMs: 0 });
  // round 0: 2 warm-up + 1 untimed + 3 timed each (7 = 3 + 2 + 2); rounds 1, 2: 1 untimed + 2 timed, order
  // reversed in round 1
  const expected = [
    ..."ffffff",
    ..."ssssss",
    ..."sss",
    ..."fff",
    ..."fff",
    ..."sss",
  ].map((c) => (c === "f" ? "fallback" : "stock"));
  if (log.join() !== expected.join()) throw new Error(`schedule ${log.join()}`);
  for (const t of [a, b]) {
    if (t.case !== "case" || t.iterations !== 7 || t.warmup !== 2 || t.extra?.rounds !== 3) {
      throw new Error(`labels of ${JSON.stringify(t)}`);
    }
    if (!(t.p10Ms <= t.medianMs && t.medianMs <= t.p90Ms)) throw new Error(`percentiles of ${t.kernel}`);
    if (t.numTensorsBefore !== t.numTensorsAfter) throw new Error(`tensor counts of ${t.kernel}`);
  }
  if (a.kernel !== "fallback" || b.kernel !== "stock") {
    throw new Error("timings not in the order of the sides");
  }
});

Deno.test("timeInterleaved() gives a side with fewer timed steps its own share, and as many rounds as it has steps", async () => {
  const log: string[] = [];
  const sides = [
    { kernel: "fallback" as const, iterations: 2, warmup: 0, step: () => void log.push("f") },
    { kernel: "stock" as const, step: () => void log.push("s") },
  ];
  const [a, b] = await timeInterleaved("case", sides, { warmup: 1, iterations: 6, rounds: 5, settleMs: 0 });
  // 2 rounds (the fallback's 2 steps): fallback 0 + 1 + 1 then 1 + 1; stock 1 + 1 + 3 then 1 + 3, order reversed
  // in round 1 (warm-up + untimed + timed)
  if (log.join("") !== "ff" + "sssss" + "ssss" + "ff") throw new Error(`schedule ${log.join("")}`);
  if (a.iterations !== 2 || a.warmup !== 0 || b.iterations !== 6 || b.warmup !== 1 || a.extra?.rounds !== 2) {
    throw new Error(`labels ${JSON.stringify([a, b])}`);
  }
});

Deno.test("timeCase() times the paired kernels in alternating blocks and the others one after another", async () => {
  const log: number[] = [], disposed: number[] = [];
  let made = 0;
  const make = () => {
    const id = made++;
    return { step: () => void log.push(id), dispose: () => void disposed.push(id) };
  };
  const runs = await timeCase(
    "case",
    ["stock", "fallback", "fast"],
    make,
    (kernel) => (kernel === "stock" ? { iterations: 2, warmup: 1 } : { iterations: 4, warmup: 1 }),
    { rounds: 2, settleMs: 0 },
  );
  // stock (side 0) alone: 1 + 2; fallback (1) and fast (2): 1 + 1 + 2 each, then reversed, 1 + 2 each
  if (log.join("") !== "000" + "11112222" + "222111") throw new Error(`schedule ${log.join("")}`);
  if (runs.map((r) => r.kernel).join() !== "stock,fallback,fast") {
    throw new Error("runs not in the order of kernels");
  }
  if (runs.map((r) => r.timing.iterations).join() !== "2,4,4") throw new Error("iterations per kernel");
  if (runs[0].timing.extra?.rounds !== undefined || runs[2].timing.extra?.rounds !== 2) {
    throw new Error("rounds");
  }
  for (const run of runs) run.side.dispose();
  if (disposed.join() !== "0,1,2") throw new Error("sides not those that were timed");
});

Deno.test("timeInterleaved() runs untimed steps for settleMs before each block", async () => {
  const calls: number[] = [];
  const side = { kernel: "stock" as const, step: () => void calls.push(performance.now()) };
  const t0 = performance.now();
  const [t] = await timeInterleaved("case", [side], { warmup: 0, iterations: 2, rounds: 2, settleMs: 20 });
  // each of the 2 blocks: untimed steps until 20 ms have passed, then 1 timed step
  if (performance.now() - t0 < 40 || calls.length < 4 || t.iterations !== 2) {
    throw new Error(`${calls.length} calls in ${performance.now() - t0} ms`);
  }
});

Deno.test("timeCallsInPlace() times a method through its prototype, keeps `this` and puts the method back, also after a throw", async () => {
  class Counter {
    n = 0;
    add(k: number) {
      this.n += k;
    }
  }
  const original = Counter.prototype.add;
  const c = new Counter();
  const { medianMs, p10Ms } = await timeCallsInPlace(() => c.add(2), 4, Counter.prototype, "add");
  if (c.n !== 8) throw new Error(`the wrapped method saw another this: n = ${c.n}`);
  if (!(p10Ms >= 0 && p10Ms <= medianMs)) throw new Error(`percentiles ${p10Ms}, ${medianMs}`);
  if (Counter.prototype.add !== original) throw new Error("method not put back");
  let thrown = false;
  try {
    await timeCallsInPlace(
      () => {
        throw new Error("step failed");
      },
      1,
      Counter.prototype,
      "add",
    );
  } catch {
    thrown = true;
  }
  if (!thrown || Counter.prototype.add !== original) throw new Error("method not put back after a throw");
});
