/**
 * Precision and recall of the knowledge layer's conflict detection (decision 0032) on the
 * constructed set data/knowledge/conflicts/pairs.jsonl: true conflicts, paraphrases with the same
 * values, different entities with different values, unrelated pairs. Offline (USE-lite embeddings).
 *
 *   node --import tsx bench/knowledge-conflicts.ts [--set path] [--min-similarity X] [--min-overlap X] [--json] [--errors]
 *   node --import tsx bench/knowledge-conflicts.ts --scan-chunks 10000   # + the cost of scanning a new document
 *
 * `--scan-chunks N`: a store of N chunks (random unit vectors, sentences with values) in an
 * in-memory SQLite with the exact index, then a new 10-chunk document whose every chunk is near
 * stored chunks stating other values: the time `scanConflicts` adds to its ingestion.
 * A measurement, not a test: it prints the figures and exits 0.
 */
import { parseArgs } from "node:util";
import { ExactIndex } from "../src/knowledge/exact-index.js";
import { KNOWLEDGE_MIGRATIONS } from "../src/knowledge/knowledge-migrations.js";
import { randomUnitVectors } from "../src/knowledge/random-vectors.js";
import { scanConflicts } from "../src/knowledge/conflicts/scan.js";
import { SqliteKnowledgeStore } from "../src/knowledge/sqlite-knowledge-store.js";
import type { ChunkRecord } from "../src/knowledge/types.js";
import { openMemorySqliteWith } from "../src/store/sqlite.js";
import { summarize } from "./stats.js";
import { evaluateConflicts, readConflictPairs } from "../src/knowledge/conflicts/conflict-eval.js";
import { SCAN_DEFAULTS } from "../src/knowledge/conflicts/scan.js";
import { getDefaultEmbedder } from "../src/providers/embeddings/local-embedder.js";

const { values: a } = parseArgs({
  options: {
    set: { type: "string", default: new URL("../data/knowledge/conflicts/pairs.jsonl", import.meta.url).pathname },
    "min-similarity": { type: "string" }, "min-overlap": { type: "string" }, json: { type: "boolean" }, errors: { type: "boolean" }, "scan-chunks": { type: "string" },
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

if (a["scan-chunks"]) scanCost(Number(a["scan-chunks"]));

function scanCost(n: number): void {
  const D = 512;
  const store = new SqliteKnowledgeStore(openMemorySqliteWith(KNOWLEDGE_MIGRATIONS));
  store.putStore({ id: "vs_bench", name: "bench", metadata: {}, chunking: null, maxAgeMs: null, createdAt: 0, lastActiveAt: 0, owner: null, access: { keys: [], teams: [] } });
  const vectors = randomUnitVectors(n, D, 7);
  const sentences = pairs.filter((p) => p.label === "conflict").map((p) => p.left);
  const index = new ExactIndex(D, n + 100);
  for (let d = 0; d * 1000 < n; d++) {
    const id = `doc_${d}`;
    const chunks: Omit<ChunkRecord, "key">[] = [];
    for (let i = d * 1000; i < Math.min(n, (d + 1) * 1000); i++) {
      chunks.push({ documentId: id, storeId: "vs_bench", ordinal: i, text: `${sentences[i % sentences.length]} Item ${i}.`, textHash: `${i}`, embedding: vectors[i], status: "live", verdict: null });
    }
    for (const c of store.insertDocument({ id, storeId: "vs_bench", fileId: `file-${d}`, sourceUri: id, contentHash: id, version: 1, validFrom: 0, updatedAt: 0, expiresAt: null, owner: null, licence: null, supersededAt: null }, chunks)) index.add(c.key, c.embedding);
  }
  // The new document: 10 chunks, each a copy of a stored chunk's vector (a near-duplicate) stating the conflicting value.
  const conflicting = pairs.filter((p) => p.label === "conflict").map((p) => p.right);
  const times: number[] = [];
  let found = 0;
  for (let run = 0; run < 5; run++) {
    const id = `doc_new_${run}`;
    const mine = store.insertDocument(
      { id, storeId: "vs_bench", fileId: `file-new-${run}`, sourceUri: id, contentHash: id, version: 1, validFrom: 0, updatedAt: 0, expiresAt: null, owner: null, licence: null, supersededAt: null },
      Array.from({ length: 10 }, (_, i) => ({ documentId: id, storeId: "vs_bench", ordinal: i, text: conflicting[(run * 10 + i) % conflicting.length], textHash: `${run}:${i}`, embedding: vectors[(run * 10 + i) % conflicting.length], status: "live" as const, verdict: null })),
    );
    for (const c of mine) index.add(c.key, c.embedding);
    const t0 = performance.now();
    found += scanConflicts({ store, storeId: "vs_bench", nearest: (v, k) => index.search(v, k).map((h) => h.key), now: 0, newId: () => "kc" }, mine).length;
    times.push(performance.now() - t0);
  }
  const s = summarize(times);
  console.log(`scan of a new 10-chunk document in a store of ${n} chunks (exact index, 20 neighbours a chunk): p50 ${Math.round(s.p50)} ms, max ${Math.round(Math.max(...times))} ms over 5 documents; ${found} conflicts found`);
}
