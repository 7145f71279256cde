/**
 * Headless rendering of a Vega-Lite specification: compiled to Vega, rendered by a `vega.View` with
 * `renderer: "none"` to SVG, and the SVG rasterised to PNG by sharp (librsvg).
 *
 * @module
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import sharp from "sharp";

/**
 * The frame every chart of this project shares — schema, title block, size, white background, font, legend on
 * the right — around a chart's own `body` (its layers or its data, mark and encoding).
 */
export function chartFrame(
  frame: { title: string; subtitle?: string | string[]; width: number; height: number },
  body: Record<string, unknown>,
): vl.TopLevelSpec {
  return ({
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: frame.title,
      subtitle: frame.subtitle,
      anchor: "start",
      fontSize: 14,
      subtitleFontSize: 10,
    },
    width: frame.width,
    height: frame.height,
    background: "white",
    ...body,
    config: { font: "sans-serif", legend: { orient: "right", labelLimit: 320 } },
  }) as unknown as vl.TopLevelSpec;
}

/**
 * Render a Vega-Lite specification to SVG text and PNG bytes (`scale` × 72 dpi, 2 by default).
 *
 * @example
 * ```ts ignore
 * const { svg } = await renderVegaLite({ data: { values: [{ x: 1 }] }, mark: "point", encoding: { x: { field: "x" } } });
 * ```
 */
export async function renderVegaLite(
  spec: vl.TopLevelSpec,
  options: { scale?: number } = {},
): Promise<{ svg: string; png: Uint8Array }> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  const png = await sharp(new TextEncoder().encode(svg), { density: 72 * (options.scale ?? 2) }).png()
    .toBuffer();
  return { svg, png: new Uint8Array(png) };
}
