/**
 * Figures for reports: Vega-Lite specifications rendered headless to SVG and PNG (`render.ts`) — line charts,
 * grouped bar charts, density histograms — image grids written as PNG (`image_grid.ts`), and tables as
 * Markdown, CSV and LaTeX (`table_files.ts`).
 *
 * @module
 */
export {
  lineChart,
  type LineChartSpec,
  lineChartVegaLite,
  type LinePoint,
  type ReferenceLine,
  type ReferencePoint,
} from "./line_chart.ts";
export { type Bar, barChart, type BarChartSpec, barChartVegaLite } from "./bar_chart.ts";
export { histogramChart, histogramRows, type HistogramSpec, histogramVegaLite } from "./histogram.ts";
export { renderVegaLite } from "./render.ts";
export { imageGridPng } from "./image_grid.ts";
export { type Table, toCsv, toLatex, toMarkdown, writeTable } from "./table_files.ts";
