// The import graph of src/, read with the TypeScript compiler's parser (no type checking, so it is
// quick): which file imports which, and the folder→folder graph of src/'s top-level folders that
// docs/decisions/0016-dependencies-point-down.md keeps acyclic. Used by import-cycles.test.ts and
// scripts/import-graph.ts.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** How an import reaches the module: loaded with the importer, loaded on demand, or erased at compile time. */
export type ImportKind = "static" | "dynamic" | "type";

export interface ImportEdge {
  /** The importing file, relative to the source root, with `/` separators. */
  from: string;
  /** The imported file, relative to the source root; only imports inside the root are kept. */
  to: string;
  kind: ImportKind;
}

export interface ImportGraph {
  root: string;
  files: string[];
  edges: ImportEdge[];
}

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : listSources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

function toPosix(p: string): string {
  return p.split(sep).join("/");
}

/** `./x.js` → `./x.ts` (NodeNext specifiers name the emitted file); a folder is not a module here. */
function resolveSpecifier(fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const target = resolve(dirname(fromFile), spec);
  for (const candidate of [target.replace(/\.js$/, ".ts"), target.replace(/\.mjs$/, ".mts"), target]) {
    if (candidate.endsWith(".ts") && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Every module specifier in one file with its kind: `import type`/`export type` are erased by tsc (verbatimModuleSyntax keeps every other form, even `import { type X }`). */
export function importsOf(source: string, fileName = "x.ts"): Array<{ spec: string; kind: ImportKind }> {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const out: Array<{ spec: string; kind: ImportKind }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, kind: node.importClause?.isTypeOnly ? "type" : "static" });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, kind: node.isTypeOnly ? "type" : "static" });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg)) out.push({ spec: arg.text, kind: "dynamic" });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      // `typeof import("./x.js")` in a type position: erased like `import type`.
      out.push({ spec: node.argument.literal.text, kind: "type" });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Reads every `.ts` file under `root` and resolves its relative imports to files under `root`. */
export function readImportGraph(root: string): ImportGraph {
  const abs = resolve(root);
  const files = listSources(abs);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const from = toPosix(relative(abs, file));
    for (const { spec, kind } of importsOf(readFileSync(file, "utf8"), file)) {
      const target = resolveSpecifier(file, spec);
      if (target === undefined || !target.startsWith(abs + sep)) continue;
      edges.push({ from, to: toPosix(relative(abs, target)), kind });
    }
  }
  return { root: abs, files: files.map((f) => toPosix(relative(abs, f))).sort(), edges };
}

/** The top-level folder of a root-relative path; a file directly in the root is its own unit (`app.ts`). */
export function topFolder(path: string): string {
  const i = path.indexOf("/");
  return i === -1 ? path : path.slice(0, i);
}

const isTest = (f: string): boolean => /\.(test|contract)\.ts$/.test(f) || f.startsWith("testing/");

export interface FolderGraphOptions {
  /** Which import kinds make an edge. */
  kinds: ReadonlySet<ImportKind>;
  /** Leave test files (`*.test.ts`, `*.contract.ts`, `testing/`) out: tests may reach across layers. */
  skipTests: boolean;
}

/** folder → folders it imports, with one witness import per edge for the error message. */
export function folderGraph(graph: ImportGraph, opts: FolderGraphOptions): Map<string, Map<string, ImportEdge>> {
  const out = new Map<string, Map<string, ImportEdge>>();
  for (const e of graph.edges) {
    if (!opts.kinds.has(e.kind)) continue;
    if (opts.skipTests && (isTest(e.from) || isTest(e.to))) continue;
    const a = topFolder(e.from);
    const b = topFolder(e.to);
    if (a === b) continue;
    let m = out.get(a);
    if (!m) out.set(a, (m = new Map()));
    if (!m.has(b)) m.set(b, e);
  }
  return out;
}

/** The strongly connected components with more than one node (Tarjan), each a set of folders in a cycle. */
export function cyclicComponents(adj: Map<string, Map<string, unknown>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const nodes = new Set<string>([...adj.keys(), ...[...adj.values()].flatMap((m) => [...m.keys()])]);
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of adj.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!idx.has(v)) strong(v);
  return out;
}

/** One concrete cycle through `start` inside its component (breadth first, so it is a shortest one). */
export function cycleThrough(adj: Map<string, Map<string, unknown>>, start: string): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of adj.get(v)?.keys() ?? []) {
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = prev.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [];
}

/** The files loaded (transitively, by static imports) when `entry` is imported, entry included. */
export function staticClosure(graph: ImportGraph, entry: string): string[] {
  const adj = new Map<string, string[]>();
  for (const e of graph.edges) if (e.kind === "static") (adj.get(e.from) ?? adj.set(e.from, []).get(e.from)!).push(e.to);
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) for (const w of adj.get(queue.shift()!) ?? []) if (!seen.has(w)) seen.add(w), queue.push(w);
  return [...seen].sort();
}
