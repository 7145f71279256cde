/**
 * Overlaid density histograms of a few samples on one axis (Fig. 5: Jaccard scores, averaged vs max-ELBO).
 *
 * @module
 */
import type * as vl from "vega-lite";
import { chartFrame, renderVegaLite } from "./render.ts";

/** What {@link histogramChart} draws. */
export interface HistogramSpec {
  title: string;
  subtitle?: string | string[];
  xTitle: string;
  /** Series name → values. */
  samples: Record<string, ArrayLike<number>>;
  /** Bin edges are `bins` equal steps over [lo, hi]. */
  bins: number;
  lo: number;
  hi: number;
}

/** Densities per bin (each series integrates to 1), as the rows the chart plots. */
export function histogramRows(
  spec: HistogramSpec,
): { series: string; x0: number; x1: number; density: number }[] {
  const width = (spec.hi - spec.lo) / spec.bins;
  const rows = [];
  for (const [series, values] of Object.entries(spec.samples)) {
    const counts = new Float64Array(spec.bins);
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      n++;
      counts[Math.min(spec.bins - 1, Math.max(0, Math.floor((v - spec.lo) / width)))]++;
    }
    for (let b = 0; b < spec.bins; b++) {
      rows.push({
        series,
        x0: spec.lo + b * width,
        x1: spec.lo + (b + 1) * width,
        density: counts[b] / (n * width),
      });
    }
  }
  return rows;
}

/** The Vega-Lite specification (exported for tests). */
export function histogramVegaLite(spec: HistogramSpec): vl.TopLevelSpec {
  return chartFrame({ ...spec, width: 420, height: 260 }, {
    data: { values: histogramRows(spec) },
    mark: { type: "rect", opacity: 0.55 },
    encoding: {
      x: { field: "x0", type: "quantitative", title: spec.xTitle, scale: { domain: [spec.lo, spec.hi] } },
      x2: { field: "x1" },
      y: { field: "density", type: "quantitative", title: "density", stack: null },
      color: { field: "series", type: "nominal", title: null },
    },
  });
}

/** Render the histograms to SVG text and PNG bytes. */
export function histogramChart(spec: HistogramSpec): Promise<{ svg: string; png: Uint8Array }> {
  return renderVegaLite(histogramVegaLite(spec));
}
