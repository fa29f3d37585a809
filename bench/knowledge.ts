/**
 * The knowledge layer's figures (issue 17): ingestion chunks/s with the offline embedder, search
 * p50/p99 at N chunks (HNSW and exact index alone, and the whole hybrid path: both indexes, RRF,
 * the SQLite chunk reads and filters), HNSW recall@10 against exact brute force, and the memory
 * of each index. The N-chunk part uses random unit vectors of the embedder's 512 dimensions and
 * random-word texts: embedding 100k chunks with USE-lite takes far longer than a bench run.
 *
 *   node --import tsx bench/knowledge.ts                    # ingestion + 10k chunks
 *   node --import tsx bench/knowledge.ts --chunks 100000 --no-ingest --no-hybrid
 *   (--ef N / --ef-add N: HNSW expansion at search / insertion, default the index's)
 *
 * A measurement, not a test: it prints a table and exits 0.
 */
import { getDefaultEmbedder } from "../src/providers/embeddings/local-embedder.js";
import { Rng } from "../src/random/rng.js";
import { openMemorySqliteWith } from "../src/store/sqlite.js";
import { ExactIndex } from "../src/knowledge/exact-index.js";
import { HnswIndex } from "../src/knowledge/hnsw-index.js";
import { KNOWLEDGE_MIGRATIONS } from "../src/knowledge/knowledge-migrations.js";
import { knowledgeConfigSchema } from "../src/knowledge/knowledge-schema.js";
import { KnowledgeService } from "../src/knowledge/knowledge-service.js";
import { randomUnitVectors } from "../src/knowledge/random-vectors.js";
import { documentScreen } from "../src/knowledge/screening.js";
import { searchStore } from "../src/knowledge/search.js";
import { SqliteKnowledgeStore } from "../src/knowledge/sqlite-knowledge-store.js";
import { StoreIndex } from "../src/knowledge/store-index.js";
import type { ChunkRecord } from "../src/knowledge/types.js";
import type { VectorIndex } from "../src/knowledge/vector-index.js";
import { round3, summarize } from "./stats.js";

const args = process.argv.slice(2);
const N = Number(args[args.indexOf("--chunks") + 1] || 10_000) || 10_000;
const INGEST = !args.includes("--no-ingest");
const D = 512;
const QUERIES = 200;
const mb = (b: number): number => Math.round(b / 1e5) / 10;

function words(r: Rng, n: number): string {
  const out: string[] = [];
  // A Zipf-ish vocabulary of 5,000 made-up words: frequent words are short and shared.
  for (let i = 0; i < n; i++) out.push(`w${Math.floor(5000 * r.next() ** 2.5).toString(36)}`);
  return out.join(" ");
}

async function ingestion(): Promise<void> {
  const embedder = getDefaultEmbedder();
  await embedder.warm();
  const r = new Rng(3);
  const sentence = (): string => {
    const pool = ["The invoice", "A refund", "Our warehouse", "The support team", "Each customer", "The contract", "This policy", "The premium plan"];
    const verbs = ["covers", "excludes", "requires", "lists", "describes", "limits", "extends", "replaces"];
    const objs = ["shipping to Norway", "orders over 50 euros", "returns within 30 days", "two-factor login", "the annual renewal", "damaged parcels", "priority tickets", "invoices in PDF"];
    return `${r.pick(pool)} ${r.pick(verbs)} ${r.pick(objs)} (ref ${r.int(100000)}).`;
  };
  const docs = Array.from({ length: 40 }, () => Array.from({ length: 40 }, sentence).join(" "));
  for (const screened of [false, true]) {
    const store = new SqliteKnowledgeStore(openMemorySqliteWith(KNOWLEDGE_MIGRATIONS));
    const config = knowledgeConfigSchema.parse(undefined);
    const k = new KnowledgeService({ store, embedder, config, screen: screened ? documentScreen() : null });
    const vs = k.createStore({ name: "bench", metadata: {}, chunking: null, maxAgeMs: null });
    const t = performance.now();
    for (const [i, text] of docs.entries()) k.attach(vs.id, k.createFile(`d${i}.txt`, "assistants", new TextEncoder().encode(text), null).id, {});
    await k.idle();
    const ms = performance.now() - t;
    const chunks = store.chunksOf(vs.id).length;
    console.log(`ingestion${screened ? " (screened)" : ""}: ${docs.length} docs, ${chunks} chunks of ≤ ${config.chunking.size} chars in ${Math.round(ms)} ms = ${(chunks / (ms / 1000)).toFixed(1)} chunks/s`);
  }
  const texts = docs.slice(0, 10).flatMap((d) => [d.slice(0, 800), d.slice(600, 1400)]);
  const t = performance.now();
  await embedder.embed(texts);
  console.log(`embedder alone: ${texts.length} texts of 800 chars in one call = ${(texts.length / ((performance.now() - t) / 1000)).toFixed(1)} texts/s`);
  await embedder.close();
}

function timeSearches(fn: (i: number) => void): { p50: number; p99: number } {
  for (let i = 0; i < 20; i++) fn(i);
  const samples: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const t = performance.now();
    fn(i);
    samples.push(performance.now() - t);
  }
  const s = summarize(samples);
  return { p50: round3(s.p50), p99: round3(s.p99) };
}

function measureMemory(build: () => VectorIndex): { index: VectorIndex; rssMb: number; ms: number } {
  global.gc?.();
  const before = process.memoryUsage();
  const t = performance.now();
  const index = build();
  const ms = Math.round(performance.now() - t);
  global.gc?.();
  const after = process.memoryUsage();
  // HNSW lives in native memory (RSS); the exact index in one typed array (arrayBuffers): take the larger.
  return { index, rssMb: mb(Math.max(after.rss - before.rss, after.arrayBuffers - before.arrayBuffers)), ms };
}

/** `pool`: how many candidates the ANN search is asked for before its top 10 are kept (search.ts asks for ≥ 40). */
function recallAt10(ann: VectorIndex, exact: VectorIndex, queries: Float32Array[], pool = 10): number {
  let found = 0;
  for (const q of queries) {
    const truth = new Set(exact.search(q, 10).map((h) => h.key));
    found += ann.search(q, pool).slice(0, 10).filter((h) => truth.has(h.key)).length;
  }
  return round3(found / (queries.length * 10));
}

async function atScale(): Promise<void> {
  const t0 = performance.now();
  const vectors = randomUnitVectors(N, D, 1);
  const keys = vectors.map((_, i) => i + 1);
  // Queries near a stored chunk (a paraphrase: v + noise, renormalised) and isotropic ones (the hardest case for HNSW).
  const r = new Rng(9);
  const noise = randomUnitVectors(QUERIES, D, 10);
  const near = noise.map((n) => {
    const v = vectors[r.int(N)];
    const q = new Float32Array(D);
    let norm = 0;
    for (let j = 0; j < D; j++) norm += (q[j] = v[j] + 0.8 * n[j]) ** 2;
    for (let j = 0; j < D; j++) q[j] /= Math.sqrt(norm);
    return q;
  });
  const isotropic = randomUnitVectors(QUERIES, D, 11);
  console.log(`\n${N} chunks, ${D} dimensions (random unit vectors, generated in ${Math.round(performance.now() - t0)} ms)`);

  const flag = (name: string): number | undefined => Number(args[args.indexOf(name) + 1] || 0) || undefined;
  const exact = measureMemory(() => {
    const e = new ExactIndex(D, N);
    e.addBatch(keys, vectors);
    return e;
  });
  const e = timeSearches((i) => exact.index.search(near[i % QUERIES], 10));
  console.log(`index      build ms  MB (per 100k)      search p50 ms  p99 ms  recall@10 near  (top 10 of 40)  recall@10 isotropic  (top 10 of 40)`);
  console.log(`exact      ${String(exact.ms).padEnd(9)} ${`${exact.rssMb} (${round3((exact.rssMb * 100_000) / N)})`.padEnd(18)} ${String(e.p50).padEnd(14)} ${String(e.p99).padEnd(7)} 1`);
  const hnsw = measureMemory(() => {
    const h = new HnswIndex(D, { expansionSearch: flag("--ef"), expansionAdd: flag("--ef-add") });
    h.addBatch(keys, vectors);
    return h;
  });
  const h = timeSearches((i) => hnsw.index.search(near[i % QUERIES], 10));
  const h40 = timeSearches((i) => hnsw.index.search(near[i % QUERIES], 40));
  console.log(`hnsw       ${String(hnsw.ms).padEnd(9)} ${`${hnsw.rssMb} (${round3((hnsw.rssMb * 100_000) / N)})`.padEnd(18)} ${String(h.p50).padEnd(14)} ${String(h.p99).padEnd(7)} ${String(recallAt10(hnsw.index, exact.index, near)).padEnd(15)} ${String(recallAt10(hnsw.index, exact.index, near, 40)).padEnd(15)} ${String(recallAt10(hnsw.index, exact.index, isotropic)).padEnd(20)} ${recallAt10(hnsw.index, exact.index, isotropic, 40)}`);
  console.log(`hnsw k=40  ${"".padEnd(9)} ${"".padEnd(18)} ${String(h40.p50).padEnd(14)} ${h40.p99}`);

  if (args.includes("--no-hybrid")) return;
  // The whole search path, less the query's embedding: a store of N chunks in SQLite, HNSW + BM25, RRF, chunk reads, filters.
  const store = new SqliteKnowledgeStore(openMemorySqliteWith(KNOWLEDGE_MIGRATIONS));
  const vs = { id: "vs_bench", name: "bench", metadata: {}, chunking: null, maxAgeMs: null, createdAt: 0, lastActiveAt: 0, owner: null, access: { keys: [], teams: [] } };
  store.putStore(vs);
  const wr = new Rng(5);
  const texts: string[] = [];
  const tIns = performance.now();
  for (let d = 0; d * 1000 < N; d++) {
    const id = `doc_${d}`;
    const chunks: Omit<ChunkRecord, "key">[] = [];
    for (let i = d * 1000; i < Math.min(N, (d + 1) * 1000); i++) {
      const text = words(wr, 60);
      texts.push(text);
      chunks.push({ documentId: id, storeId: vs.id, ordinal: i, text, textHash: `${i}`, embedding: vectors[i], status: "live", verdict: null });
    }
    store.insertDocument({ id, storeId: vs.id, fileId: `file-${d}`, sourceUri: id, contentHash: id, version: 1, validFrom: 0, updatedAt: 0, expiresAt: null, owner: null, licence: null, supersededAt: null }, chunks);
  }
  const insMs = performance.now() - tIns;
  const tIdx = performance.now();
  const index = new StoreIndex("hnsw", D);
  index.addAll(store.chunksOf(vs.id));
  const idxMs = performance.now() - tIdx;
  const queryText = (i: number): string => texts[(i * 7919) % texts.length].split(" ").slice(0, 4).join(" ");
  const full = timeSearches((i) => searchStore({ store, index, vs, rrfK: 60, now: 0 }, { query: queryText(i), maxResults: 10 }, near[i % QUERIES]));
  console.log(`hybrid search (SQLite + HNSW + BM25 + RRF, 10 results, query embedding excluded): p50 ${full.p50} ms, p99 ${full.p99} ms; store insert ${Math.round(insMs)} ms, index rebuild from store ${Math.round(idxMs)} ms`);
}

if (INGEST) await ingestion();
await atScale();
