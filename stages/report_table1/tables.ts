/**
 * Table 1 and Table 2 from the metrics of every run, and the paper's qualitative claims, judged on trained
 * runs only.
 *
 * @module
 */
import type { Metrics } from "../../pipeline/stage.ts";
import { METHOD_LABELS } from "../../lib/vsc/methods.ts";
import { TABLE1, TABLE2 } from "./reference_values.ts";
import { sci, summarise, type Summary } from "./summary.ts";
import type { Table } from "../../lib/figures/table_files.ts";
import { judge, VERDICT_RULE, verdictText } from "./verdict.ts";

const METHOD_ORDER = Object.keys(METHOD_LABELS);
const METRICS = [
  { key: "val_loss", label: "Validation loss" },
  { key: "multi_information", label: "Multi-information (bits)" },
  { key: "iwae", label: "IWAE (authors' softmax-weighted loss)" },
] as const;

/** Runs grouped by method and J, in the paper's row order. */
export function groups(runs: Metrics[]): { method: string; samples: number; runs: Metrics[] }[] {
  const out = new Map<string, { method: string; samples: number; runs: Metrics[] }>();
  for (const r of runs) {
    const id = `${r.method}|${r.samples}`;
    if (!out.has(id)) out.set(id, { method: String(r.method), samples: Number(r.samples), runs: [] });
    out.get(id)!.runs.push(r);
  }
  return [...out.values()].sort((a, b) =>
    METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) || a.samples - b.samples
  );
}

/** The method's name as the paper prints it. */
export function label(method: string): string {
  return METHOD_LABELS[method as keyof typeof METHOD_LABELS] ?? method;
}

/**
 * A metric over runs: null where the run diverged, undefined where the metric does not apply to the method
 * (FISTA has no IWAE and no posterior).
 */
function valuesOf(runs: Metrics[], key: string): (number | null | undefined)[] {
  return runs.map((r) => (r.diverged ? null : typeof r[key] === "number" ? (r[key] as number) : undefined));
}

function cell(s: Summary, format: (x: number) => string = sci): string {
  if (s.mean === null) return s.missing ? `NaN (${s.missing} diverged)` : "–";
  const sd = s.sd === null ? "" : ` ± ${format(s.sd)}`;
  return `${format(s.mean)}${sd} (n=${s.n})${s.missing ? `, ${s.missing} diverged` : ""}`;
}

const percent = (x: number) => x.toFixed(1);
const fixed2 = (x: number) => x.toFixed(2);

/** A run is trained when the metrics stage says so (reconstruction clearly below the zero code's). */
export const isTrained = (r: Metrics): boolean => r.trained === true;

/** Table 1 and the count of validation-loss cells that are ✓ or ≈. */
export function table1Of(
  runs: Metrics[],
  setting: string,
): { table: Table; valLossAgree: number; valLossCells: number } {
  const header = ["Method", "J", "iterations", "trained"];
  for (const m of METRICS) header.push(`${m.label}: paper`, `${m.label}: ours`, `${m.label}: verdict`);
  header.push(
    "recon MSE / zero-code MSE",
    "oriented atoms %",
    "structured atoms %",
    "non-zero %",
    "posterior collapse %",
    "feature collapse %",
    "IWAE bound (log-mean-exp)",
  );
  let valLossAgree = 0;
  let valLossCells = 0;
  const rows = groups(runs).map((g) => {
    const untrained = g.runs.filter((r) => !isTrained(r)).length;
    const row = [
      label(g.method),
      String(g.samples),
      iterationsOf(g.runs),
      untrained === 0 ? "yes" : `not trained (${untrained} of ${g.runs.length})`,
    ];
    for (const m of METRICS) {
      const published = TABLE1[g.method]?.[m.key];
      const paper = published?.[g.samples as 1 | 20];
      // Appendix F gives σ for J = 20 (and FISTA): a method's J = 20 σ stands in for its J = 1 row.
      const sd = paper?.sd ?? published?.[20]?.sd;
      const ours = summarise(valuesOf(g.runs, m.key));
      // The thresholded methods' IWAE was computed by an evaluation script that is not public (protocol §2.10).
      const comparable = !(m.key === "iwae" && g.method.startsWith("thr_"));
      const v = judge(ours, paper && { mean: paper.mean, sd }, { trained: untrained === 0, comparable });
      if (m.key === "val_loss" && paper) {
        valLossCells++;
        if (v.mark === "✓" || v.mark === "≈") valLossAgree++;
      }
      row.push(paper ? sci(paper.mean) : "–", cell(ours), verdictText(v));
    }
    row.push(cell(summarise(valuesOf(g.runs, "recon_ratio")), fixed2));
    row.push(cell(summarise(valuesOf(g.runs, "oriented_percent")), percent));
    row.push(cell(summarise(valuesOf(g.runs, "structured_atoms_percent")), percent));
    for (const key of ["nonzero_percent", "posterior_collapse", "feature_collapse"]) {
      row.push(cell(summarise(valuesOf(g.runs, key)), percent));
    }
    row.push(cell(summarise(valuesOf(g.runs, "iwae_bound"))));
    return row;
  });
  const checks = qualitativeChecks(runs);
  const trainedRatio = runs.find((r) => typeof r.trained_ratio === "number")?.trained_ratio ?? 0.9;
  const table: Table = {
    caption: `Table 1 (Fallah & Rozell 2022), regenerated: ${setting}`,
    header,
    rows,
    notes: [
      VERDICT_RULE,
      `Validation-loss cells ✓ or ≈: ${valLossAgree} of ${valLossCells}.`,
      "Ours: mean ± sample sd over seeds (n runs). Paper: mean of 3 runs (Table 1).",
      `trained: the run's validation reconstruction MSE is at most ${trainedRatio}× that of the all-zero code ` +
      '(codes unrelated to x cannot beat it); the ratio is the column "recon MSE / zero-code MSE".',
      "Validation loss: objective (10) with λ = 20 on the validation patches, + 1e-3·‖A‖²_F (protocol §2.8).",
      "Multi-information: plug-in estimate in bits over 23 symbols (protocol §2.9).",
      "IWAE (authors'): softmax_j(−L_ij)-weighted mean of the per-sample training loss L (pixel-mean MSE + β·ΣKL), " +
      "what the authors' code calls 'iwae' (protocol §2.10). For the thresholded methods the paper's values come " +
      "from an evaluation script that is not public and that the stored training logs do not match (1.73 logged vs " +
      "1.13 printed for the thresholded Laplacian, J = 20): not comparable, never counted as a pass or a fail.",
      "IWAE bound (log-mean-exp): −mean_i log (1/J) Σ_j exp(−L_ij) over the same L — the importance-weighted form.",
      "Structured atoms: % of the live atoms (‖A_k‖ > 0.1), seen as 16×16 images, that are both smooth (lag-1 " +
      "spatial autocorrelation ≥ 0.2) and localized (RMS radius of their energy ≤ 4 px); white-noise atoms and " +
      "random mixtures of whitened patches (≈ 6.5 px) give ≈ 0% (lib/sparse/atom_structure.ts).",
      "Oriented atoms: % of the live atoms whose structure-tensor coherence is ≥ 0.5 (edges, gratings, Gabor-like " +
      "atoms; white noise gives 0%, random mixtures of 20 whitened patches ≈ 1%): dictionary_structure.md.",
      ...checks.map((c) => `Qualitative check ${c.mark}: ${c.claim} (${c.evidence})`),
    ],
  };
  return { table, valLossAgree, valLossCells };
}

/** One of the paper's qualitative claims: ✓, ✗, or "not tested" when the runs it needs are not trained. */
export interface Check {
  claim: string;
  mark: "✓" | "✗" | "not tested";
  evidence: string;
}

/**
 * The paper's qualitative claims, evaluated on trained runs only: a claim whose methods have no trained run
 * is "not tested", never ✓.
 */
export function qualitativeChecks(runs: Metrics[]): Check[] {
  const trained = runs.filter(isTrained);
  const excluded = [...new Set(runs.filter((r) => !isTrained(r)).map((r) => `${r.method} J=${r.samples}`))];
  const note = excluded.length ? `left out, not trained: ${excluded.join(", ")}` : "";
  const mean = (method: string, key: string) =>
    summarise(trained.filter((r) => r.method === method).map((r) => r[key] as number)).mean;
  // In the paper's row order, whatever order the runs came in.
  const methods = [...new Set(trained.map((r) => String(r.method)))].sort((a, b) =>
    METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b)
  );
  const all = new Set(runs.map((r) => String(r.method)));
  const fmt = (o: Record<string, number | null>) =>
    [Object.entries(o).map(([k, v]) => `${k} ${sci(v)}`).join(", "), note].filter(Boolean).join("; ");
  const val = Object.fromEntries(methods.map((m) => [m, mean(m, "val_loss")]));
  const mi = Object.fromEntries(methods.map((m) => [m, mean(m, "multi_information")]));
  const out: Check[] = [];
  const has = (m: string) => methods.includes(m);
  const decide = (
    testable: boolean,
    pass: boolean,
  ): Check["mark"] => (!testable ? "not tested" : pass ? "✓" : "✗");

  if (all.has("fista")) {
    const others = methods.filter((m) => m !== "fista");
    out.push({
      claim: "FISTA has the lowest validation loss",
      mark: decide(
        has("fista") && others.length > 0,
        others.every((m) => (val[m] ?? Infinity) > (val.fista ?? Infinity)),
      ),
      evidence: fmt(val),
    });
  }
  if ([...all].some((m) => m.startsWith("thr_")) && all.has("gaussian") && all.has("laplacian")) {
    const thresholded = methods.filter((m) => m.startsWith("thr_"));
    out.push({
      claim: "every thresholded method has a lower validation loss than Laplacian and Gaussian",
      mark: decide(
        thresholded.length > 0 && has("gaussian") && has("laplacian"),
        thresholded.every((m) =>
          (val[m] ?? Infinity) < Math.min(val.gaussian ?? -Infinity, val.laplacian ?? -Infinity)
        ),
      ),
      evidence: fmt(val),
    });
  }
  if (all.has("gaussian")) {
    out.push({
      claim: "the Gaussian has the highest multi-information",
      mark: decide(
        has("gaussian") && methods.length > 1,
        methods.every((m) => m === "gaussian" || (mi[m] ?? Infinity) < (mi.gaussian ?? -Infinity)),
      ),
      evidence: fmt(mi),
    });
  }
  return out;
}

/** Table 2: subgradient vs straight-through, thresholded Laplacian; what the subgradient runs did, said plainly. */
export function table2Of(runs: Metrics[], sgRuns: Metrics[], setting: string): Table {
  const rows: string[][] = [];
  for (const [estimator, group] of [["subgradient", sgRuns], ["straight", runs]] as const) {
    for (const samples of [1, 20] as const) {
      const rs = group.filter((r) =>
        r.method === "thr_laplacian" && r.samples === samples && r.estimator === estimator
      );
      if (!rs.length) continue;
      const paper = TABLE2[estimator][samples];
      const p = (v: number | null) => (v === null ? "NaN" : `${v.toFixed(2)}%`);
      rows.push([
        `Thresholded Laplacian (${estimator === "straight" ? "ST" : "SG"})`,
        String(samples),
        iterationsOf(rs),
        p(paper.posterior),
        cell(summarise(valuesOf(rs, "posterior_collapse")), percent),
        p(paper.feature),
        cell(summarise(valuesOf(rs, "feature_collapse")), percent),
        outcome(rs),
      ]);
    }
  }
  return {
    caption: `Table 2 (Fallah & Rozell 2022), regenerated: ${setting}`,
    header: [
      "Method",
      "J",
      "iterations",
      "% posterior collapse: paper",
      "% posterior collapse: ours",
      "% feature collapse: paper",
      "% feature collapse: ours",
      "what the runs did",
    ],
    rows,
    notes: [
      "Collapse: a latent counts as collapsed when ≥ 95% of validation patches have KL ≤ 0.01 (posterior) or |code| ≤ 0.01 (feature) (protocol §2.11).",
      "NaN: the run's loss diverged during training (the paper's SG, J = 1 runs all did).",
    ],
  };
}

/** The distinct training lengths of a group's runs. */
function iterationsOf(rs: Metrics[]): string {
  return [...new Set(rs.map((r) => String(r.iterations)))].join(", ");
}

/** Per run: diverged (NaN), collapsed (≥ 95% of features), not trained, or trained; with the numbers. */
function outcome(rs: Metrics[]): string {
  return rs.map((r) => {
    if (r.diverged) return "diverged (NaN)";
    const fc = typeof r.feature_collapse === "number" ? r.feature_collapse : NaN;
    const ratio = typeof r.recon_ratio === "number" ? r.recon_ratio.toFixed(2) : "–";
    if (fc >= 95) return `collapsed (${fc.toFixed(0)}% of features; recon ratio ${ratio})`;
    return `${isTrained(r) ? "trained" : "not trained"} (recon ratio ${ratio}, ${
      Number(r.nonzero_percent).toFixed(1)
    }% non-zero)`;
  }).join("; ");
}
