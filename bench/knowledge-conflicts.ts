/**
 * Precision and recall of the knowledge layer's conflict detection (decision 0032) on the
 * constructed set data/knowledge/conflicts/pairs.jsonl: true conflicts, paraphrases with the same
 * values, different entities with different values, unrelated pairs. Offline (USE-lite embeddings).
 *
 *   node --import tsx bench/knowledge-conflicts.ts [--set path] [--min-similarity X] [--min-overlap X] [--json] [--errors]
 *
 * A measurement, not a test: it prints the figures and exits 0.
 */
import { parseArgs } from "node:util";
import { evaluateConflicts, readConflictPairs } from "../src/knowledge/conflicts/conflict-eval.js";
import { SCAN_DEFAULTS } from "../src/knowledge/conflicts/scan.js";
import { getDefaultEmbedder } from "../src/providers/embeddings/local-embedder.js";

const { values: a } = parseArgs({
  options: {
    set: { type: "string", default: new URL("../data/knowledge/conflicts/pairs.jsonl", import.meta.url).pathname },
    "min-similarity": { type: "string" }, "min-overlap": { type: "string" }, json: { type: "boolean" }, errors: { type: "boolean" },
  },
});
const o = {
  ...SCAN_DEFAULTS,
  ...(a["min-similarity"] ? { minSimilarity: Number(a["min-similarity"]) } : {}),
  ...(a["min-overlap"] ? { minOverlap: Number(a["min-overlap"]) } : {}),
};
const pairs = readConflictPairs(a.set!);
const embedder = getDefaultEmbedder();
const t0 = performance.now();
const r = await evaluateConflicts(pairs, embedder, o);
const ms = Math.round(performance.now() - t0);
await embedder.close();
const f = (x: number): string => x.toFixed(3);
if (a.json) console.log(JSON.stringify({ options: o, ms, ...r }));
else {
  console.log(`${r.pairs} pairs, min similarity ${o.minSimilarity}, min overlap ${o.minOverlap}, min context ${o.minContext} (${ms} ms with embedding)`);
  console.log(`precision ${f(r.precision)} [${f(r.precision_ci[0])}, ${f(r.precision_ci[1])}]  recall ${f(r.recall)} [${f(r.recall_ci[0])}, ${f(r.recall_ci[1])}]  F1 ${f(r.f1)}  (TP ${r.tp}, FP ${r.fp}, FN ${r.fn}, TN ${r.tn}; kind right on ${r.kind_correct}/${r.tp})`);
  for (const [label, c] of Object.entries(r.flagged_by_label)) console.log(`  ${label.padEnd(17)} flagged ${c.flagged}/${c.of}`);
  if (a.errors) for (const e of r.errors) console.log(`  ${e.flagged ? "FP" : "FN"} ${e.id} (${e.label}, similarity ${e.similarity})`);
}
