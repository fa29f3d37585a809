/**
 * Dependencies point down (docs/decisions/0016-dependencies-point-down.md): no import cycle between
 * the top-level folders of src/, and the config schema loads schemas, not the features' code.
 * Every import kind counts — static, dynamic `import()` and `import type` — so a type shared
 * "upward" is caught too. Tests (`*.test.ts`, `*.contract.ts`, `src/testing/`) are left out: they
 * may reach across layers, and nothing in the product loads them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { cycleThrough, cyclicComponents, folderGraph, importsOf, readImportGraph, staticClosure, type ImportKind } from "./import-graph.js";

const SRC = join(import.meta.dirname, "..");
const graph = readImportGraph(SRC);
const ALL = new Set<ImportKind>(["static", "dynamic", "type"]);

test("no import cycle between the top-level folders of src/", () => {
  const adj = folderGraph(graph, { kinds: ALL, skipTests: true });
  const report = cyclicComponents(adj).map((comp) => {
    const path = cycleThrough(adj, comp[0]);
    const via = path.slice(0, -1).map((a, i) => {
      const e = adj.get(a)!.get(path[i + 1])!;
      return `    ${e.from} -> ${e.to} (${e.kind})`;
    });
    return `  ${path.join(" -> ")}\n${via.join("\n")}`;
  });
  assert.deepEqual(report, [], `folder cycles (move the shared piece to a leaf both sides import):\n${report.join("\n")}`);
});

test("config/schema.ts loads schemas only: no scanner, evaluator, adapter or client code", () => {
  const loaded = staticClosure(graph, "config/schema.ts");
  const code = loaded.filter((f) =>
    /^guard\/(scanners\/.*-scanner|scanners\/registry|scanners\/injection-adapter|injection\/|pii\/(?!entity\.ts))/.test(f) ||
    /^evals\/evaluators\/(?!.*(-schema|kind|config-schema)\.ts$)/.test(f) ||
    /^providers\/(?!.*(options|provider-schema)\.ts$)/.test(f) ||
    f === "store/redis.ts",
  );
  assert.deepEqual(code, [], "config/schema.ts pulls in implementation files");
  // Every file loaded is small glue around zod: 79 before the split (docs/decisions/0016-…), a ceiling with room for new schemas.
  assert.ok(loaded.length <= 60, `config/schema.ts loads ${loaded.length} files:\n${loaded.join("\n")}`);
});

test("the graph reader sees every import form, and tells type-only from runtime ones", () => {
  const src = [
    'import a from "./a.js";',
    'import type { B } from "./b.js";',
    'import { type C } from "./c.js";',
    'export { d } from "./d.js";',
    'export type { E } from "./e.js";',
    'import "./f.js";',
    'const g = await import("./g.js");',
    'let h: typeof import("./h.js");',
  ].join("\n");
  assert.deepEqual(importsOf(src), [
    { spec: "./a.js", kind: "static" },
    { spec: "./b.js", kind: "type" },
    // verbatimModuleSyntax keeps `import { type C }` as `import {} from`: it still loads the module.
    { spec: "./c.js", kind: "static" },
    { spec: "./d.js", kind: "static" },
    { spec: "./e.js", kind: "type" },
    { spec: "./f.js", kind: "static" },
    { spec: "./g.js", kind: "dynamic" },
    { spec: "./h.js", kind: "type" },
  ]);
});

test("a cycle is found and reported with its path", () => {
  const adj = new Map([
    ["a", new Map([["b", 1]])],
    ["b", new Map([["c", 1]])],
    ["c", new Map([["a", 1]])],
    ["d", new Map([["a", 1]])],
  ]);
  assert.deepEqual(cyclicComponents(adj), [["a", "b", "c"]]);
  assert.deepEqual(cycleThrough(adj, "a"), ["a", "b", "c", "a"]);
  assert.deepEqual(cyclicComponents(new Map([["a", new Map([["b", 1]])]])), []);
});
