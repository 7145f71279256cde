/**
 * One table, three renderings: Markdown (to read), CSV (to compute with), LaTeX (to paste into a paper).
 *
 * @module
 */
import { join } from "node:path";

/** A table: header cells, body rows, a caption and notes printed under it. */
export interface Table {
  caption: string;
  header: string[];
  rows: string[][];
  notes: string[];
}

/** GitHub-flavoured Markdown. */
export function toMarkdown(t: Table): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`;
  return [
    `**${t.caption}**`,
    "",
    line(t.header),
    line(t.header.map(() => "---")),
    ...t.rows.map(line),
    "",
    ...t.notes.map((n) => `- ${n}`),
    "",
  ].join("\n");
}

/** RFC 4180 CSV (quoted where needed); caption and notes are left out. */
export function toCsv(t: Table): string {
  const cell = (c: string) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  return [t.header, ...t.rows].map((r) => r.map(cell).join(",")).join("\n") + "\n";
}

/** A LaTeX `table` with `tabular` (booktabs rules). */
export function toLatex(t: Table): string {
  const esc = (c: string) =>
    c.replace(/\\/g, "\\textbackslash{}").replace(/([&%$#_{}])/g, "\\$1").replaceAll("±", "$\\pm$")
      .replaceAll("✓", "\\checkmark{}").replaceAll("✗", "$\\times$").replaceAll("→", "$\\to$");
  return [
    "\\begin{table}[t]",
    "\\centering",
    `\\caption{${esc(t.caption)}}`,
    `\\begin{tabular}{l${"r".repeat(t.header.length - 1)}}`,
    "\\toprule",
    `${t.header.map(esc).join(" & ")} \\\\`,
    "\\midrule",
    ...t.rows.map((r) => `${r.map(esc).join(" & ")} \\\\`),
    "\\bottomrule",
    "\\end{tabular}",
    ...t.notes.map((n) => `% ${n}`),
    "\\end{table}",
    "",
  ].join("\n");
}

/** Write `<name>.md`, `<name>.csv` and `<name>.tex` into `dir`. */
export async function writeTable(dir: string, name: string, t: Table): Promise<void> {
  await Deno.writeTextFile(join(dir, `${name}.md`), toMarkdown(t));
  await Deno.writeTextFile(join(dir, `${name}.csv`), toCsv(t));
  await Deno.writeTextFile(join(dir, `${name}.tex`), toLatex(t));
}
