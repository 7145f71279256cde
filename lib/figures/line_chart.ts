/**
 * Line charts with error bars and reference markers, rendered headless: a Vega-Lite spec is compiled to Vega,
 * rendered by a `vega.View` with `renderer: "none"` to SVG, and the SVG rasterised to PNG by sharp (librsvg).
 *
 * @module
 */
import type * as vl from "vega-lite";
import { chartFrame, renderVegaLite } from "./render.ts";

/** One plotted point of a series: mean over seeds, and its spread. */
export interface LinePoint {
  /** Series name (one line per series, e.g. the method). */
  series: string;
  x: number;
  /** Mean of the runs. */
  y: number;
  /** Lower and upper ends of the error bar (e.g. mean ∓ std over seeds); omitted → no bar. */
  yLow?: number;
  yHigh?: number;
}

/** A reference value drawn as a hollow marker (e.g. the authors' published number). */
export interface ReferencePoint {
  series: string;
  x: number;
  y: number;
}

/** A horizontal reference line (e.g. the paper's final value), dashed, in the series colour. */
export interface ReferenceLine {
  series: string;
  y: number;
}

/** What {@link lineChart} draws. */
export interface LineChartSpec {
  title: string;
  /** A line under the title (profile, data, backend, feature network…). */
  subtitle?: string | string[];
  xTitle: string;
  yTitle: string;
  points: LinePoint[];
  /** Authors' values, drawn as hollow diamonds in the series colour. */
  reference?: ReferencePoint[];
  /** Authors' values drawn as dashed horizontal lines in the series colour. */
  hlines?: ReferenceLine[];
  /** Log-scaled x axis (latent-dimension sweeps). @default false */
  logX?: boolean;
  /** Log-scaled y axis. @default false */
  logY?: boolean;
  /** Plot size in pixels. @default 420 × 300 */
  width?: number;
  height?: number;
  /** Series order in the legend. */
  seriesOrder?: string[];
}

/** The Vega-Lite specification of a chart (exported for inspection and tests). */
export function lineChartVegaLite(spec: LineChartSpec): vl.TopLevelSpec {
  const xScale = spec.logX ? { type: "log" as const, base: 2 } : { zero: false };
  const yScale = spec.logY ? { type: "log" as const } : { zero: false };
  const domain = spec.seriesOrder ??
    [
      ...new Set([
        ...spec.points.map((p) => p.series),
        ...(spec.reference ?? []).map((r) => r.series),
        ...(spec.hlines ?? []).map((r) => r.series),
      ]),
    ];
  const color = { field: "series", type: "nominal" as const, title: null, scale: { domain } };
  const xValues = [...new Set([...spec.points, ...(spec.reference ?? [])].map((p) => p.x))].sort((a, b) =>
    a - b
  );
  const x = {
    field: "x",
    type: "quantitative" as const,
    title: spec.xTitle,
    scale: xScale,
    axis: { values: xValues },
  };
  const layers: Record<string, unknown>[] = [
    {
      data: { values: spec.points as never },
      mark: { type: "line", point: true },
      encoding: { x, y: { field: "y", type: "quantitative", title: spec.yTitle, scale: yScale }, color },
    },
    {
      data: { values: spec.points.filter((p) => p.yLow !== undefined && p.yHigh !== undefined) as never },
      mark: { type: "errorbar", ticks: true },
      encoding: {
        x,
        y: { field: "yLow", type: "quantitative", title: spec.yTitle, scale: yScale },
        y2: { field: "yHigh" },
        color,
      },
    },
  ];
  if (spec.reference?.length) {
    layers.push({
      data: { values: spec.reference as never },
      mark: { type: "point", shape: "diamond", filled: false, size: 80, strokeWidth: 1.5, opacity: 0.9 },
      encoding: { x, y: { field: "y", type: "quantitative", title: spec.yTitle, scale: yScale }, color },
    });
  }
  if (spec.hlines?.length) {
    layers.push({
      data: { values: spec.hlines as never },
      mark: { type: "rule", strokeDash: [6, 4], strokeWidth: 1.2, opacity: 0.8 },
      encoding: { y: { field: "y", type: "quantitative", title: spec.yTitle, scale: yScale }, color },
    });
  }
  return chartFrame({ ...spec, width: spec.width ?? 420, height: spec.height ?? 300 }, { layer: layers });
}

/**
 * Render a chart to SVG text and PNG bytes.
 *
 * @example
 * ```ts ignore
 * const { svg, png } = await lineChart({ title: "MSE", xTitle: "z", yTitle: "MSE", logX: true,
 *   points: [{ series: "Gaussian", x: 20, y: 3.4 }, { series: "Gaussian", x: 64, y: 3.5 }] });
 * ```
 */
export function lineChart(
  spec: LineChartSpec,
  options: { scale?: number } = {},
): Promise<{ svg: string; png: Uint8Array }> {
  return renderVegaLite(lineChartVegaLite(spec), options);
}
