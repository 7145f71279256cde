/**
 * One trial of each kind of the reliability suite (`reliability.ts`): kill -9 of the scheduler and of a worker,
 * 2 and 4 concurrent runs on one cache, a flipped, truncated and deleted cached output, and the scheduler kill
 * under Slurm where a test cluster can be started. `deno task reliability --trials=N` runs N of each and
 * writes the counts the README reports.
 */
import { referenceMetrics, runTrial, seeded, TRIALS } from "./reliability.ts";
import { startTestCluster } from "./slurm_cluster.ts";

const reference = await referenceMetrics();

for (const kind of TRIALS) {
  Deno.test(`reliability: ${kind}`, async () => {
    let slurmEnv: Record<string, string> | undefined;
    let stop = async () => {};
    if (kind === "slurm-scheduler") {
      const cluster = await startTestCluster();
      if (typeof cluster === "string") {
        console.log(`skipped: ${cluster}`);
        return;
      }
      slurmEnv = cluster.env;
      stop = cluster.stop;
    }
    try {
      // A new seed each run: over many CI runs the kill points cover the whole run.
      const seed = Date.now() % 100_000;
      const outcome = await runTrial(kind, { reference, random: seeded(seed), slurmEnv });
      if (!outcome.ok) throw new Error(`${kind} (seed ${seed}): ${outcome.detail}`);
    } finally {
      await stop();
    }
  });
}
