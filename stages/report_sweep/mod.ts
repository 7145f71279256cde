/**
 * Stage `report_sweep`: the Fig. 7 sweep figures and tables from gathered `metrics_dnn` outputs.
 *
 *   1. gather: `metrics` (latent-dimension sweep) and optionally `sparsity` (sparsity sweep) instances, and the
 *      training runs (optional inputs `train`, `train_p`) to say how long they trained;
 *   2. aggregate over seeds: mean and sample std per (method, latent dim, sparsity);
 *   3. figures: MSE, multi-information and FID vs latent dimension (log x), MSE vs sparsity — one line per method,
 *      seed error bars (± 1 std), the authors' values (protocol §3.6, `reference_values.ts`) as hollow diamonds;
 *   4. tables: `<prefix>.csv` and `<prefix>.md`, our numbers next to the authors';
 *   5. atom grids of `dict_estimate` instances (optional input `dicts`), copied as `<prefix>_atoms_<method>_z<K>.png`.
 *
 * MSE is plotted in the paper's units (per-pixel MSE × 125 for FMNIST, × 150 for CelebA; protocol §3.4). The authors'
 * FIDs are drawn only when our FID also uses InceptionV3, and even then differ by construction (their
 * sample-space covariance, protocol §4.11).
 *
 * @module
 */
import { join } from "node:path";
import type { Metrics, Params, StageKind, Upstream } from "../../pipeline/stage.ts";
import { lineChart, type LinePoint, type ReferenceLine, type ReferencePoint } from "../../lib/figures/mod.ts";
import { referenceFor, SWEEP_METHOD_LABELS, type SweepMethod } from "./reference_values.ts";

/** Parameters of `report_sweep`. */
export interface ReportSweepParams extends Params {
  /** Profile name shown in captions (set by the experiment's profiles). */
  profile: string;
  /** File-name prefix of the outputs, e.g. "fmnist" → fmnist_mse_vs_latent.png. */
  prefix: string;
}

const DEFAULTS: ReportSweepParams = { profile: "", prefix: "sweep" };

/** Aggregated runs of one configuration. */
export interface SweepRow {
  method: string;
  latentDim: number;
  sparsity: number;
  seeds: number;
  mse: [number, number];
  mi: [number, number];
  fid: [number, number];
  nonzero: number;
  /** The mean-image baseline's MSE (paper units), MSE / baseline, and how many seeds count as trained. */
  meanImage: number;
  ratio: number;
  trained: number;
}

function meanStd(v: number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return [m, s];
}

/** Group metrics by (method, latent dim, sparsity) and aggregate over seeds. */
export function aggregate(runs: Metrics[]): SweepRow[] {
  const groups = new Map<string, Metrics[]>();
  for (const r of runs) {
    const key = `${r.method}|${r.latent_dim}|${r.sparsity}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({
    method: g[0].method as string,
    latentDim: g[0].latent_dim as number,
    sparsity: g[0].sparsity as number,
    seeds: g.length,
    mse: meanStd(g.map((r) => r.mse_paper_units as number)),
    mi: meanStd(g.map((r) => r.multi_information_bits as number)),
    fid: meanStd(g.map((r) => r.fid as number)),
    nonzero: meanStd(g.map((r) => r.nonzero_fraction as number))[0],
    meanImage: meanStd(g.map((r) => r.mean_image_mse_paper_units as number))[0],
    ratio: meanStd(g.map((r) => r.mse_ratio as number))[0],
    trained: g.filter((r) => r.trained === true).length,
  })).sort((a, b) =>
    a.method.localeCompare(b.method) || a.latentDim - b.latentDim || a.sparsity - b.sparsity
  );
}

const label = (m: string) => SWEEP_METHOD_LABELS[m as SweepMethod] ?? m;
/** Four significant digits; empty for a missing value. */
const fmt = (
  v: number | undefined,
) => (v === undefined || !Number.isFinite(v) ? "" : Number(v.toPrecision(4)).toString());

/** The instances of a gathered input that an experiment may leave unbound (then none). */
function optionalInputList(ctx: { inputList(name: string): Upstream[] }, name: string): Upstream[] {
  try {
    return ctx.inputList(name);
  } catch {
    return []; // input not bound in this experiment
  }
}

const gathered = (ctx: { inputList(name: string): Upstream[] }, name: string): Metrics[] =>
  optionalInputList(ctx, name).map((u) => u.metrics);

/**
 * How the runs trained, for the captions: "1400 steps of 32 × J = 4" from the training runs' own records, or
 * `epochs` epochs when the training runs are not inputs.
 *
 * @example
 * ```ts
 * import { trainingSummary } from "./mod.ts";
 * const run = (iterations: number) => ({
 *   id: "t", key: "t", dir: "", params: { batch_size: 32, samples: 4 }, metrics: { iterations },
 * });
 * if (trainingSummary([run(1400), run(1400)], "300") !== "1400 steps of 32 × J = 4") throw new Error();
 * if (trainingSummary([], "300") !== "300 epochs") throw new Error();
 * ```
 */
export function trainingSummary(runs: Upstream[], epochs: string): string {
  if (runs.length === 0) return `${epochs} epochs`;
  return [
    ...new Set(
      runs.map((r) => `${r.metrics.iterations} steps of ${r.params.batch_size} × J = ${r.params.samples}`),
    ),
  ].join(" / ");
}

export const stage: StageKind<ReportSweepParams> = {
  name: "report_sweep",
  description:
    "Fig. 7: MSE, multi-information and FID vs latent dimension and sparsity, with the authors' values",
  defaults: DEFAULTS,
  async run(ctx) {
    // 1. Gather.
    const latentRuns = gathered(ctx, "metrics");
    const sparsityRuns = gathered(ctx, "sparsity");
    const all = [...latentRuns, ...sparsityRuns];
    if (all.length === 0) {
      throw new Error(
        `Cannot write the sweep report: no metrics were gathered (inputs "metrics", "sparsity")`,
      );
    }
    const dataset = all[0].dataset as string;
    const ref = referenceFor(dataset);
    const factor = all[0].mse_paper_factor as number;
    const fidLabel = all[0].fid_label as string;
    const inception = fidLabel.includes("Inception") && !fidLabel.includes("not comparable");
    const backends = [...new Set(all.map((r) => r.backend))].join(", ");
    const nTest = all[0].n_test as number;
    const training = trainingSummary(
      [...optionalInputList(ctx, "train"), ...optionalInputList(ctx, "train_p")],
      [...new Set(all.map((r) => r.epochs))].join("/"),
    );
    const subtitle = [
      `profile ${ctx.params.profile || "(unnamed)"} · ${
        dataset === "celeba" ? "CelebA" : "Fashion-MNIST"
      } · ${nTest} test images · ${training} · backend ${backends}`,
      `${fidLabel}`,
      `◇ = authors' values (protocol §3.6)${
        inception ? "" : "; authors' FIDs not drawn (different features)"
      }`,
    ];

    // 2. Aggregate.
    const latentRows = aggregate(latentRuns);
    const sparsityRows = aggregate([
      ...sparsityRuns,
      ...latentRuns.filter((r) => r.latent_dim === ref.sparsityDim),
    ]);
    const methods = Object.keys(SWEEP_METHOD_LABELS).filter((m) => all.some((r) => r.method === m));
    const order = methods.map(label);

    // 3. Figures.
    const outputs: string[] = [];
    const draw = async (
      name: string,
      title: string,
      xTitle: string,
      yTitle: string,
      points: LinePoint[],
      reference: ReferencePoint[],
      logX: boolean,
      hlines: ReferenceLine[] = [],
    ) => {
      if (points.length === 0) return;
      const { svg, png } = await lineChart({
        title,
        subtitle,
        xTitle,
        yTitle,
        points,
        reference,
        hlines,
        logX,
        seriesOrder: hlines.length ? [...order, ...hlines.map((l) => l.series)] : order,
      });
      Deno.writeTextFileSync(join(ctx.outDir, `${ctx.params.prefix}_${name}.svg`), svg);
      Deno.writeFileSync(join(ctx.outDir, `${ctx.params.prefix}_${name}.png`), png);
      outputs.push(`${ctx.params.prefix}_${name}.png`);
    };
    const pts = (
      rows: SweepRow[],
      x: (r: SweepRow) => number,
      y: (r: SweepRow) => [number, number],
    ): LinePoint[] =>
      rows.map((r) => ({
        series: label(r.method),
        x: x(r),
        y: y(r)[0],
        yLow: y(r)[0] - y(r)[1],
        yHigh: y(r)[0] + y(r)[1],
      }));
    const dims = [...new Set(latentRows.map((r) => r.latentDim))];
    const refLatent = (key: "mse" | "mi" | "fid"): ReferencePoint[] =>
      methods.flatMap((m) =>
        Object.entries(ref.latent[m as SweepMethod] ?? {}).filter(([d]) => dims.includes(Number(d)))
          .map(([d, cell]) => ({ series: label(m), x: Number(d), y: cell[key] }))
      );
    const mseTitle = `MSE (per-pixel MSE × ${factor}, the paper's units)`;
    // The mean image's MSE, where a decoder lands whose codes carry no information (missing in older metrics).
    const baseline = all[0].mean_image_mse_paper_units as number | undefined;
    const baselineLine: ReferenceLine[] = baseline === undefined
      ? []
      : [{ series: "mean image", y: baseline }];
    await draw(
      "mse_vs_latent",
      "MSE vs latent dimension (10% sparsity)",
      "latent dimension",
      mseTitle,
      pts(latentRows, (r) => r.latentDim, (r) => r.mse),
      refLatent("mse"),
      true,
      baselineLine,
    );
    await draw(
      "mi_vs_latent",
      "Multi-information vs latent dimension",
      "latent dimension",
      "multi-information (bits)",
      pts(latentRows, (r) => r.latentDim, (r) => r.mi),
      refLatent("mi"),
      true,
    );
    await draw(
      "fid_vs_latent",
      "Reconstruction FID vs latent dimension",
      "latent dimension",
      fidLabel,
      pts(latentRows, (r) => r.latentDim, (r) => r.fid),
      inception ? refLatent("fid") : [],
      true,
    );
    const sparseRows = sparsityRows.filter((r) => r.method !== "gaussian");
    const refSparsity: ReferencePoint[] = Object.entries(ref.sparsity).filter(([m]) => methods.includes(m))
      .flatMap(([m, v]) => Object.entries(v!).map(([p, y]) => ({ series: label(m), x: 100 * Number(p), y })));
    await draw(
      "mse_vs_sparsity",
      `MSE vs sparsity (latent dimension ${[...new Set(sparseRows.map((r) => r.latentDim))].join("/")})`,
      "target non-zero fraction p (%)",
      mseTitle,
      pts(sparseRows, (r) => 100 * r.sparsity, (r) => r.mse),
      sparseRows.length ? refSparsity : [],
      false,
      baselineLine,
    );

    // 4. Tables: ours next to the authors'.
    const header = [
      "sweep",
      "method",
      "latent_dim",
      "sparsity",
      "seeds",
      "mse_paper_units",
      "mse_std",
      "paper_mse",
      "multi_info_bits",
      "mi_std",
      "paper_mi",
      "fid",
      "fid_std",
      "paper_fid",
      "nonzero_fraction",
      "nonzero_over_p",
      "mse_over_mean_image",
      "trained",
    ];
    const lines: string[][] = [];
    const row = (sweep: string, r: SweepRow) => {
      const cell = ref.latent[r.method as SweepMethod]?.[r.latentDim];
      const paperMse = Math.abs(r.sparsity - 0.1) < 1e-9
        ? cell?.mse
        : ref.sparsity[r.method as SweepMethod]?.[r.sparsity];
      const atRef = Math.abs(r.sparsity - 0.1) < 1e-9;
      lines.push([
        sweep,
        r.method,
        `${r.latentDim}`,
        `${r.sparsity}`,
        `${r.seeds}`,
        fmt(r.mse[0]),
        fmt(r.mse[1]),
        fmt(r.latentDim === ref.sparsityDim || atRef ? paperMse : undefined),
        fmt(r.mi[0]),
        fmt(r.mi[1]),
        fmt(atRef ? cell?.mi : undefined),
        fmt(r.fid[0]),
        fmt(r.fid[1]),
        fmt(atRef ? cell?.fid : undefined),
        fmt(r.nonzero),
        r.method === "gaussian" ? "" : fmt(r.nonzero / r.sparsity),
        fmt(r.ratio),
        r.trained === r.seeds ? "✓" : r.trained === 0 ? "not trained" : `${r.trained}/${r.seeds} trained`,
      ]);
    };
    latentRows.forEach((r) => row("latent", r));
    sparseRows.forEach((r) => row("sparsity", r));
    Deno.writeTextFileSync(
      join(ctx.outDir, `${ctx.params.prefix}.csv`),
      [header, ...lines].map((l) => l.join(",")).join("\n") + "\n",
    );
    const md = [
      `# ${dataset === "celeba" ? "CelebA" : "Fashion-MNIST"} sweep (Fig. 7) — ours vs the authors'`,
      "",
      ...subtitle.map((s) => `- ${s}`),
      `- MSE in the paper's units: per-pixel MSE × ${factor} (the authors sum per-batch means over ${factor} test batches, protocol §3.4).`,
      `- Multi-information: plug-in estimate in bits, 33 symbols; it grows with log2 of the number of test codes, so it is only comparable at the same N (paper: ${
        dataset === "celeba" ? "15,000" : "10,000"
      }; here ${nTest}).`,
      `- Authors' FIDs: torchvision InceptionV3 with a sample-space covariance (protocol §4.11) — not comparable to ours.`,
      baseline === undefined
        ? `- Mean-image baseline: not recorded by these metrics.`
        : `- Mean-image baseline (every test image predicted by the mean training image, what codes without information give): MSE ${
          fmt(baseline)
        }. \`trained\` = MSE at most ${
          fmt(all[0].trained_ratio as number)
        } of it; \`nonzero_over_p\` = the codes' non-zero fraction over the target p.`,
      "",
      `| ${header.join(" | ")} |`,
      `|${header.map(() => "---").join("|")}|`,
      ...lines.map((l) => `| ${l.join(" | ")} |`),
      "",
    ].join("\n");
    Deno.writeTextFileSync(join(ctx.outDir, `${ctx.params.prefix}.md`), md);

    // 5. Estimated dictionaries (optional input "dicts"): copy each atom grid under a descriptive name.
    for (const d of optionalInputList(ctx, "dicts")) {
      const name = `${ctx.params.prefix}_atoms_${d.metrics.method}_z${d.metrics.latent_dim}.png`;
      Deno.copyFileSync(join(d.dir, "atoms.png"), join(ctx.outDir, name));
      outputs.push(name);
    }
    return {
      dataset,
      runs: all.length,
      configurations: latentRows.length + sparseRows.length,
      figures: outputs,
      fid_label: fidLabel,
    };
  },
};
