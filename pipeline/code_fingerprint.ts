/**
 * The fingerprint of a source module: sha256 of its syntax tree, so that comments and formatting never change a
 * code key while any change to code does.
 *
 * The module is parsed with the TypeScript compiler and serialised as nested `(kind … )` groups whose leaves are
 * the tokens. Left out, each because the tree already says what it says or it cannot change what runs:
 * - comments, JSDoc and whitespace (they are trivia, not tokens, or JSDoc nodes);
 * - semicolons, empty statements in statement lists and trailing commas: `deno fmt` adds and removes them,
 *   and the nesting of the groups already records where each statement and each list ends;
 * - the quotes of string literals and template pieces: their cooked value is hashed, not their spelling.
 * Kept: every other token, spelled as written (identifiers, numbers, regular expressions, keywords, types).
 * - the braces of a body that holds a single statement (`if (x) { f(); }` is `if (x) f();`), and the optional
 *   leading `|` of a union type written one member per line.
 * Parentheses stay: a redundant pair is a node of its own, so adding one reruns dependants (conservative).
 * Files that are not JavaScript or TypeScript are fingerprinted by their bytes.
 *
 * @module
 */
import { extname } from "node:path";
import { sha256 } from "./_hash.ts";

const SCRIPT_KINDS: Record<string, string> = {
  ".ts": "TS",
  ".mts": "TS",
  ".cts": "TS",
  ".tsx": "TSX",
  ".js": "JS",
  ".mjs": "JS",
  ".cjs": "JS",
  ".jsx": "JSX",
};

type Ts = typeof import("typescript");
let compiler: Promise<Ts> | undefined;

/** The compiler, loaded on first use (~0.5 s): a run whose files are all memoised never loads it. */
function loadCompiler(): Promise<Ts> {
  return compiler ??= import("typescript").then((m) =>
    (m as { default?: Ts }).default ?? (m as unknown as Ts)
  );
}

/**
 * Fingerprint of the module text `source`, named `fileName` (its extension picks the grammar; other extensions
 * hash the text as is).
 *
 * @example
 * ```ts
 * import { codeFingerprint } from "./code_fingerprint.ts";
 * const a = await codeFingerprint("m.ts", "const x = 'a'; // note\n");
 * const b = await codeFingerprint("m.ts", "/** doc *\/\nconst  x = \"a\"\n");
 * const c = await codeFingerprint("m.ts", "const x = 'b';");
 * if (a !== b || a === c) throw new Error("comments and quotes are not code; the value is");
 * ```
 */
export async function codeFingerprint(fileName: string, source: string): Promise<string> {
  const scriptKind = SCRIPT_KINDS[extname(fileName).toLowerCase()];
  if (scriptKind === undefined) return sha256(source);
  const ts = await loadCompiler();
  const file = ts.createSourceFile(
    fileName,
    source,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind[scriptKind as keyof typeof ts.ScriptKind],
  );
  const parts: string[] = [];
  const visit = (node: import("typescript").Node): void => {
    const single = soleStatement(ts, node);
    if (single) return visit(single);
    const kind = node.kind;
    if (kind >= ts.SyntaxKind.FirstJSDocNode && kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(file);
    if (children.length === 0) {
      parts.push(`${kind}:${leafText(ts, node, file)}`);
      return;
    }
    parts.push(`(${kind}`);
    const last = children.length - 1;
    children.forEach((child, i) => {
      // A semicolon that ends its node terminates a statement (those inside `for (;;)` are not last); a comma
      // that ends a list is a trailing comma (`[a, b,]`, `f(a,)`; array holes are nodes of their own).
      const terminator = i === last && i > 0 &&
        (child.kind === ts.SyntaxKind.SemicolonToken ||
          (child.kind === ts.SyntaxKind.CommaToken && node.kind === ts.SyntaxKind.SyntaxList));
      // An empty statement in a list of statements does nothing (`;[a, b] = …`, as semicolon-free styles
      // write it); elsewhere (`if (x);`) it is a body and stays.
      const emptyInList = child.kind === ts.SyntaxKind.EmptyStatement &&
        node.kind === ts.SyntaxKind.SyntaxList;
      // The optional leading `|` or `&` of a union or intersection written one member per line.
      const leadingBar = i === 0 && node.kind === ts.SyntaxKind.SyntaxList &&
        (ts.isUnionTypeNode(node.parent) || ts.isIntersectionTypeNode(node.parent)) &&
        (child.kind === ts.SyntaxKind.BarToken || child.kind === ts.SyntaxKind.AmpersandToken);
      if (!terminator && !emptyInList && !leadingBar) visit(child);
    });
    parts.push(")");
  };
  visit(file);
  return sha256(parts.join("\n"));
}

/**
 * The statement of a braced body that holds just one (`if (x) { f(); }` is `if (x) f();`, a change `deno fmt`
 * makes when a line grows too long), or undefined. Declarations keep their braces: there they scope a name.
 */
function soleStatement(ts: Ts, node: import("typescript").Node): import("typescript").Statement | undefined {
  if (!ts.isBlock(node)) return undefined;
  const statements = node.statements.filter((s) => !ts.isEmptyStatement(s));
  if (statements.length !== 1) return undefined;
  const parent = node.parent;
  const isBody = ts.isIfStatement(parent) || ts.isIterationStatement(parent, false);
  const statement = statements[0];
  const declares = ts.isVariableStatement(statement) || ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement);
  return isBody && !declares ? statement : undefined;
}

/** The fingerprint of the file at `path` (for a {@linkcode FileHashes} memo of code files). */
export async function fingerprintFile(path: string): Promise<string> {
  return codeFingerprint(path, await Deno.readTextFile(path));
}

/** A token's text: the cooked value of string literals and template pieces, the source spelling otherwise. */
function leafText(ts: Ts, node: import("typescript").Node, file: import("typescript").SourceFile): string {
  if (
    ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) ||
    ts.isTemplateMiddle(node) || ts.isTemplateTail(node)
  ) {
    return JSON.stringify(node.text);
  }
  return node.getText(file);
}
