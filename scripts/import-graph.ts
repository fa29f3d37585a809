// Prints the folder cycles of src/ and how many files one module loads: `node --import tsx scripts/import-graph.ts [src/config/schema.ts …]`.
// The same check runs in the test suite (src/testing/import-cycles.test.ts); this is for looking around.
import { statSync } from "node:fs";
import { join } from "node:path";
import { cycleThrough, cyclicComponents, folderGraph, readImportGraph, staticClosure, type ImportKind } from "../src/testing/import-graph.js";

const graph = readImportGraph(process.env.SRC_ROOT ?? "src");
const all = new Set<ImportKind>(["static", "dynamic", "type"]);
const adj = folderGraph(graph, { kinds: all, skipTests: true });
const comps = cyclicComponents(adj);
console.log(`${graph.files.length} files, ${graph.edges.length} imports; folder cycles: ${comps.length === 0 ? "none" : ""}`);
for (const c of comps) {
  console.log(`  component of ${c.length}: ${c.join(", ")}`);
  for (const f of c) {
    const path = cycleThrough(adj, f);
    const witness = path.slice(0, -1).map((a, i) => { const e = adj.get(a)!.get(path[i + 1])!; return `${e.from} -> ${e.to} (${e.kind})`; });
    console.log(`    ${path.join(" -> ")}\n      ${witness.join("\n      ")}`);
  }
}
for (const entry of process.argv.slice(2)) {
  const rel = entry.replace(/^(\.\/)?src\//, "");
  const files = staticClosure(graph, rel);
  const bytes = files.reduce((n, f) => n + statSync(join(graph.root, f)).size, 0);
  console.log(`${entry} loads ${files.length} files, ${Math.round(bytes / 1024)} KiB of source`);
  if (process.env.VERBOSE) for (const f of files) console.log(`  ${f}`);
}
