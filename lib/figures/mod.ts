/**
 * Figures for reports: Vega-Lite specifications rendered headless to SVG and PNG (`line_chart.ts`), and image grids
 * written as PNG (`image_grid.ts`).
 *
 * @module
 */
export {
  lineChart,
  type LineChartSpec,
  lineChartVegaLite,
  type LinePoint,
  type ReferencePoint,
} from "./line_chart.ts";
export { imageGridPng } from "./image_grid.ts";
