/** The block schedule of `timeInterleaved`: who runs when, how many steps each side gets, and what is timed. */
import { timeInterleaved } from "./_harness.ts";

Deno.test("timeInterleaved() alternates blocks, reverses the order every other round and times every side's share", async () => {
  const log: string[] = [];
  const sides = (["fallback", "stock"] as const).map((kernel) => ({
    kernel,
    step: () => void log.push(kernel),
  }));
  const [a, b] = await timeInterleaved("case", sides, { warmup: 2, iterations: 7, rounds: 3 });
  // round 0: 2 warm-up + 3 timed each (7 = 3 + 2 + 2); rounds 1, 2: 1 untimed + 2 timed, order reversed in round 1
  const expected = [
    ..."fffff",
    ..."sssss",
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
