/**
 * Grouped bar charts with error bars and reference markers (Fig. 4: gradient SNR per method, J = 1 and 20).
 *
 * @module
 */
import type * as vl from "vega-lite";
import { chartFrame, renderVegaLite } from "./render.ts";

/** One bar: its group on the x axis, its colour (series), height and optional error bar. */
export interface Bar {
  group: string;
  series: string;
  y: number;
  yLow?: number;
  yHigh?: number;
}

/** What {@link barChart} draws. */
export interface BarChartSpec {
  title: string;
  subtitle?: string | string[];
  xTitle: string;
  yTitle: string;
  bars: Bar[];
  /** Authors' values, drawn as black diamonds on the bar of the same group and series. */
  reference?: { group: string; series: string; y: number; yLow?: number; yHigh?: number }[];
  logY?: boolean;
  groupOrder?: string[];
  seriesOrder?: string[];
}

/** The Vega-Lite specification of a bar chart (exported for tests). */
export function barChartVegaLite(spec: BarChartSpec): vl.TopLevelSpec {
  const yScale = spec.logY ? { type: "log" as const } : {};
  const x = {
    field: "group",
    type: "nominal" as const,
    title: spec.xTitle,
    sort: spec.groupOrder,
    axis: { labelAngle: 0 },
  };
  const xOffset = { field: "series", type: "nominal" as const, sort: spec.seriesOrder };
  const color = { field: "series", type: "nominal" as const, title: null, sort: spec.seriesOrder };
  const y = { field: "y", type: "quantitative" as const, title: spec.yTitle, scale: yScale };
  const layers: Record<string, unknown>[] = [
    // Bars need a zero baseline, which a log axis lacks: there each value is a dot instead.
    {
      data: { values: spec.bars as never },
      mark: spec.logY ? { type: "point", filled: true, size: 110, opacity: 1 } : { type: "bar" },
      encoding: { x, xOffset, y, color },
    },
    {
      data: { values: spec.bars.filter((b) => b.yLow !== undefined) as never },
      mark: { type: "errorbar", ticks: true },
      encoding: { x, xOffset, y: { ...y, field: "yLow" }, y2: { field: "yHigh" } },
    },
  ];
  if (spec.reference?.length) {
    layers.push({
      data: { values: spec.reference as never },
      mark: { type: "point", shape: "diamond", filled: true, color: "black", size: 60 },
      encoding: { x, xOffset, y },
    });
    layers.push({
      data: { values: spec.reference.filter((r) => r.yLow !== undefined) as never },
      mark: { type: "rule", color: "black" },
      encoding: { x, xOffset, y: { ...y, field: "yLow" }, y2: { field: "yHigh" } },
    });
  }
  return chartFrame({ ...spec, width: 360, height: 260 }, { layer: layers });
}

/** Render a bar chart to SVG text and PNG bytes. */
export function barChart(spec: BarChartSpec): Promise<{ svg: string; png: Uint8Array }> {
  return renderVegaLite(barChartVegaLite(spec));
}
