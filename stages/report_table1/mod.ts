/**
 * Write the paper's Table 1 and Table 2 from the metrics of every run, with the published value beside ours
 * (mean ± sd over seeds, n) and a verdict against the paper's spread (verdict.ts), runs that did not learn
 * marked "not trained"; the convergence study, Fig. 4 (gradient SNR) and Fig. 5 (support consistency) where
 * the profile runs them; and each method's dictionary atom grid.
 *
 * Outputs: `table1.md/.csv/.tex`, `figures/dictionary_<method>_J<J>.png`, and where available
 * `table2.md/.csv/.tex` (profiles that train the subgradient runs), `convergence.md` +
 * `figures/convergence_*.{png,svg}`, `fig4_snr.md` + `figures/fig4_snr_*.{png,svg}`, `fig5_jaccard.md` +
 * `figures/fig5_jaccard.{png,svg}`, `dictionary_structure.md/.csv/.tex` + `figures/dictionary_structure.{png,svg}`
 * (oriented atoms over training, beside random dictionaries).
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, StageKind, Upstream } from "../../pipeline/stage.ts";
import { qualitativeChecks, table1Of, table2Of } from "./tables.ts";
import { toMarkdown, writeTable } from "../../lib/figures/table_files.ts";
import { convergenceFigures, jaccardFigures, snrFigures } from "./figures.ts";
import { randomReferences, structureReport } from "./structure.ts";

const defaults = {
  /** Profile name printed in the captions (set by each profile of the experiment). */
  profile: "quick",
};
type ReportParams = typeof defaults;

export const stage: StageKind<ReportParams> = {
  name: "report_table1",
  description: "Table 1 and Table 2 with the published values beside ours; convergence, Fig. 4 and Fig. 5",
  defaults,
  async run(ctx) {
    // Each run's dictionary structure (stage dictionary_structure) joins its metrics as "oriented_percent".
    const structures = ctx.inputList("structure");
    const structureOf = (r: Metrics) =>
      structures.find((u) => ["method", "samples", "seed"].every((k) => u.metrics[k] === r[k]))?.metrics;
    const runs: Metrics[] = ctx.inputList("metrics").map((u) => ({
      ...u.metrics,
      oriented_percent: structureOf(u.metrics)?.oriented_percent ?? null,
    }));
    const sgRuns = ctx.inputList("metrics_sg").map((u) => u.metrics);
    const data = ctx.input("patches").metrics;
    const backends = [...new Set(runs.map((r) => String(r.backend)))].join(", ");
    const counts = [...new Set([...runs, ...sgRuns].map((r) => Number(r.iterations)))].sort((a, b) => a - b);
    const iterations = counts.join(", ");
    const length = counts.length === 1
      ? `${iterations} training iterations of the paper's 240,000-iteration schedule`
      : `the paper's 240,000-iteration schedule stopped after ${iterations} iterations (column "iterations")`;
    const setting = `profile "${ctx.params.profile}"; data: ${
      publicDescription(String(data.source_description))
    }; ${data.n_train} train / ${data.n_val} validation patches; ${length}; backend ${backends}`;

    const { table: table1, valLossAgree, valLossCells } = table1Of(runs, setting);
    await writeTable(ctx.outDir, "table1", table1);
    // Table 2 compares the estimators: only a profile that trains the subgradient runs has one (not `quick`).
    if (sgRuns.length > 0) await writeTable(ctx.outDir, "table2", table2Of(runs, sgRuns, setting));

    await Deno.mkdir(join(ctx.outDir, "figures"));
    const figDir = join(ctx.outDir, "figures");
    const figures = await copyDictionaries(ctx.inputList("metrics"), figDir);
    const short = `profile "${ctx.params.profile}", ${iterations} iterations`;
    for (
      const [name, made] of [
        // From the J = 1 Table-1 runs' own snapshots.
        [
          "convergence",
          await convergenceFigures(
            ctx.inputList("metrics"),
            figDir,
            `profile "${ctx.params.profile}"`,
          ),
        ],
        ["fig4_snr", await snrFigures(ctx.inputList("snr").map((u) => u.metrics), figDir, short)],
        ["fig5_jaccard", await jaccardFigures(ctx.inputList("jaccard"), figDir, short)],
      ] as const
    ) {
      figures.push(...made.files);
      if (made.table) await Deno.writeTextFile(join(ctx.outDir, `${name}.md`), toMarkdown(made.table));
    }
    if (structures.length > 0) {
      const references = await randomReferences(ctx.input("patches").dir);
      const made = await structureReport(structures, references, figDir, short);
      await writeTable(ctx.outDir, "dictionary_structure", made.table);
      figures.push(...made.files);
    }
    const checks = qualitativeChecks(runs);
    return {
      checks_passed: checks.filter((c) => c.mark === "✓").length,
      checks_not_tested: checks.filter((c) => c.mark === "not tested").length,
      checks_total: checks.length,
      runs_not_trained: runs.filter((r) => r.trained !== true).length,
      val_loss_cells_agreeing: valLossAgree,
      val_loss_cells: valLossCells,
      figures,
    };
  },
};

/**
 * A data description without the machine's folders: each quoted path keeps only its last component, so that
 * committed results name their source, not where it lay.
 *
 * @example
 * ```ts
 * import { publicDescription } from "./mod.ts";
 * const d = publicDescription('10 raw scenes from "/work/shared/data/olshausen-raw"');
 * if (d !== '10 raw scenes from "olshausen-raw"') throw new Error(d);
 * ```
 */
export function publicDescription(description: string): string {
  return description.replace(/"([^"]*[\\/])([^"\\/]+)[\\/]?"/g, '"$2"');
}

async function copyDictionaries(metrics: Upstream[], dir: string): Promise<string[]> {
  const done = new Set<string>();
  const out: string[] = [];
  for (const u of [...metrics].sort((a, b) => Number(a.metrics.seed) - Number(b.metrics.seed))) {
    const name = `dictionary_${u.metrics.method}_J${u.metrics.samples}.png`;
    if (done.has(name) || typeof u.metrics.dictionary_png !== "string") continue;
    done.add(name);
    await Deno.copyFile(join(u.dir, u.metrics.dictionary_png), join(dir, name));
    out.push(`figures/${name}`);
  }
  return out;
}
