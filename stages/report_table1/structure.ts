/**
 * The dictionary-structure report: each run's share of oriented atoms (and of smooth, localized ones) at the end
 * of training, beside two random dictionaries of the same shape — white noise (an untrained dictionary) and
 * random mixtures of 20 whitened training patches (what uninformative codes make of the data) — and, for the
 * runs that saved snapshots, its course over training as a figure.
 *
 * @module
 */
import { join } from "node:path";
import type { Upstream } from "../../pipeline/stage.ts";
import { lineChart } from "../../lib/figures/mod.ts";
import { writeFigure } from "../../lib/figures/figure_files.ts";
import type { Table } from "../../lib/figures/table_files.ts";
import { type DictionaryStructure, dictionaryStructure } from "../../lib/sparse/dictionary_structure.ts";
import { ORIENTED_COHERENCE } from "../../lib/sparse/atom_orientation.ts";
import { Rng } from "../../lib/tensor/rng.ts";
import { readPatchSet } from "../../data/patch_set.ts";
import { label } from "./tables.ts";

type Point = DictionaryStructure & { iteration: number };

/** Random dictionaries [D, K] and their structure: the reference that trained dictionaries must beat. */
export async function randomReferences(
  patchesDir: string,
  k = 256,
): Promise<{ name: string; s: DictionaryStructure }[]> {
  const patches = await readPatchSet(patchesDir);
  const d = patches.dim;
  const rng = new Rng(0);
  const noise = rng.normalArray(d * k);
  const mixtures = new Float32Array(d * k);
  for (let c = 0; c < k; c++) {
    for (let m = 0; m < 20; m++) {
      const row = Math.min(patches.nTrain - 1, Math.floor(rng.uniformArray(1, 0, patches.nTrain)[0]));
      const weight = rng.normalArray(1)[0];
      for (let p = 0; p < d; p++) mixtures[p * k + c] += weight * patches.train[row * d + p];
    }
  }
  return [
    { name: "white noise (an untrained dictionary)", s: dictionaryStructure(noise, [d, k]) },
    { name: "random mixtures of 20 whitened training patches", s: dictionaryStructure(mixtures, [d, k]) },
  ];
}

/** The table and, where snapshots exist, the figure of oriented atoms over training. */
export async function structureReport(
  runs: Upstream[],
  references: { name: string; s: DictionaryStructure }[],
  figDir: string,
  subtitle: string,
): Promise<{ table: Table; files: string[] }> {
  const sorted = [...runs].sort((a, b) =>
    String(a.metrics.method).localeCompare(String(b.metrics.method)) ||
    Number(a.metrics.samples) - Number(b.metrics.samples) || Number(a.metrics.seed) - Number(b.metrics.seed)
  );
  const f = (
    v: unknown,
    digits: number,
  ) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "–");
  const row = (name: string, it: string, s: Partial<DictionaryStructure>) => [
    name,
    it,
    f(s.oriented_percent, 1),
    f(s.mean_coherence, 3),
    f(s.smooth_localized_percent, 1),
    f(s.mean_radius, 2),
    String(s.live_atoms ?? "–"),
  ];
  const table: Table = {
    caption: `Dictionary structure at the end of training: ${subtitle}`,
    header: [
      "dictionary",
      "iterations",
      `oriented atoms % (coherence ≥ ${ORIENTED_COHERENCE})`,
      "mean coherence",
      "smooth and localized atoms %",
      "mean RMS radius (px)",
      "live atoms",
    ],
    rows: [
      ...sorted.map((u) =>
        row(
          `${label(String(u.metrics.method))}, J = ${u.metrics.samples}, seed ${u.metrics.seed}`,
          String(u.metrics.iteration),
          u.metrics as Partial<DictionaryStructure>,
        )
      ),
      ...references.map((r) => row(`random: ${r.name}`, "–", r.s)),
    ],
    notes: [
      "Oriented: the coherence (λ₁ − λ₂)/(λ₁ + λ₂) of the atom's structure tensor Σ g gᵀ, g the gradient of each " +
      "2×2 cell of pixels: 1 for an edge or grating, ≈ 0.07 on average for white noise (lib/sparse/atom_orientation.ts).",
      "Smooth and localized: lag-1 spatial autocorrelation ≥ 0.2 and RMS radius of the atom's energy ≤ 4 px " +
      "(lib/sparse/atom_structure.ts); an edge that spans the patch is oriented but not localized.",
      "Live atoms: ‖A_k‖ > 0.1; the percentages are of live atoms.",
    ],
  };
  const points: { series: string; x: number; y: number }[] = [];
  for (const u of sorted) {
    const course: Point[] = JSON.parse(await Deno.readTextFile(join(u.dir, "structure.json")));
    if (course.length < 2) continue;
    const series = `${label(String(u.metrics.method))}, J = ${u.metrics.samples}`;
    for (const p of course) {
      if (p.iteration > 0) points.push({ series, x: p.iteration, y: p.oriented_percent });
    }
  }
  if (points.length === 0) return { table, files: [] };
  await writeFigure(
    figDir,
    "dictionary_structure",
    await lineChart({
      title: "Oriented atoms of the dictionary over training",
      subtitle: [subtitle, "dashed: random dictionaries of the same shape"],
      xTitle: "training iteration",
      yTitle: `% of atoms with coherence ≥ ${ORIENTED_COHERENCE}`,
      points,
      hlines: references.map((r) => ({ series: `random: ${r.name}`, y: r.s.oriented_percent })),
      logX: true,
    }),
  );
  return { table, files: ["figures/dictionary_structure.png", "figures/dictionary_structure.svg"] };
}
