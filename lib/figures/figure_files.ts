/**
 * One figure, two files: SVG (to zoom and edit) and PNG (to look at), written side by side.
 *
 * @module
 */
import { join } from "node:path";

/** A rendered figure, as `lineChart` and its siblings return it. */
export interface RenderedFigure {
  svg: string;
  png: Uint8Array;
}

/**
 * Write `<dir>/<name>.svg` and `<dir>/<name>.png`; resolves to their paths relative to the folder above `dir`
 * (`figures/<name>.png`, `figures/<name>.svg` for the usual `figures/` folder), PNG first.
 *
 * @example
 * ```ts
 * import { writeFigure } from "./figure_files.ts";
 * const dir = await Deno.makeTempDir();
 * const paths = await writeFigure(dir, "f", { svg: "<svg/>", png: new Uint8Array([137]) });
 * if (paths.join() !== "figures/f.png,figures/f.svg") throw new Error(paths.join());
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFigure(dir: string, name: string, fig: RenderedFigure): Promise<string[]> {
  await Deno.writeTextFile(join(dir, `${name}.svg`), fig.svg);
  await Deno.writeFile(join(dir, `${name}.png`), fig.png);
  return [`figures/${name}.png`, `figures/${name}.svg`];
}
