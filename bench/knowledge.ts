/**
 * The knowledge layer's figures (issue 17): ingestion chunks/s with the offline embedder, search
 * p50/p99 at N chunks (HNSW and exact index alone, and the whole hybrid path: both indexes, RRF,
 * the SQLite chunk reads and filters), HNSW recall@10 against exact brute force, and the memory
 * of each index, and what a saved index costs to load instead. The N-chunk part uses synthetic
 * vectors of the embedder's 512 dimensions — embedding-like clustered ones (ClusteredSpace, fitted
 * to USE-lite's effective dimension) and isotropic random ones, the worst case — with random-word
 * texts: embedding 100k chunks with USE-lite takes far longer than a bench run.
 *
 *   node --expose-gc --import tsx bench/knowledge.ts                    # ingestion + 10k chunks
 *   node --expose-gc --import tsx bench/knowledge.ts --chunks 100000 --no-ingest --no-hybrid
 *   --data clustered,random   which vectors (default both; the hybrid path uses the first)
 *   --texts FILE.jsonl        instead: real USE-lite vectors of the file's `text`/`a`/`b` strings
 *   --ef 16,32,64,128,256     the search expansions swept over one graph
 *   --ef-add N --m N --quant f32|f16|i8 --threads N   the graph's build options (default HNSW_DEFAULTS)
 *
 * A measurement, not a test: it prints a table and exits 0.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { getDefaultEmbedder } from "../src/providers/embeddings/local-embedder.js";
import { Rng } from "../src/random/rng.js";
import { openMemorySqliteWith } from "../src/store/sqlite.js";
import { ExactIndex } from "../src/knowledge/exact-index.js";
import { HNSW_DEFAULTS, HnswIndex, type HnswOptions, type HnswQuantization } from "../src/knowledge/hnsw-index.js";
import { KNOWLEDGE_MIGRATIONS } from "../src/knowledge/knowledge-migrations.js";
import { knowledgeConfigSchema } from "../src/knowledge/knowledge-schema.js";
import { KnowledgeService } from "../src/knowledge/knowledge-service.js";
import { ClusteredSpace, randomUnitVectors } from "../src/knowledge/random-vectors.js";
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
const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join(", ");

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

function measureMemory<T extends VectorIndex>(build: () => T): { index: T; mb: number; ms: number } {
  global.gc?.();
  const before = process.memoryUsage();
  const t = performance.now();
  const index = build();
  const ms = Math.round(performance.now() - t);
  global.gc?.();
  const after = process.memoryUsage();
  // HNSW lives in native memory (RSS); the exact index in one typed array (arrayBuffers): take the larger.
  return { index, mb: mb(Math.max(after.rss - before.rss, after.arrayBuffers - before.arrayBuffers)), ms };
}

/** The exact top 10 of each query: the reference every recall figure is measured against. */
function truthOf(exact: VectorIndex, queries: Float32Array[]): Set<number>[] {
  return queries.map((q) => new Set(exact.search(q, 10).map((h) => h.key)));
}

/** `pool`: how many candidates the ANN search is asked for before its top 10 are kept (search.ts asks for ≥ 40). */
function recallAt10(ann: VectorIndex, truth: Set<number>[], queries: Float32Array[], pool = 10): number {
  let found = 0;
  queries.forEach((q, i) => (found += ann.search(q, pool).slice(0, 10).filter((h) => truth[i].has(h.key)).length));
  return round3(found / (queries.length * 10));
}

/** A stored vector plus Gaussian noise of norm ≈ 0.8, renormalised: a paraphrase of a chunk. */
function nearQueries(vectors: Float32Array[], seed: number): Float32Array[] {
  const r = new Rng(seed);
  return randomUnitVectors(QUERIES, D, seed + 1).map((n) => {
    const v = vectors[r.int(vectors.length)];
    const q = new Float32Array(D);
    let norm = 0;
    for (let j = 0; j < D; j++) norm += (q[j] = v[j] + 0.8 * n[j]) ** 2;
    for (let j = 0; j < D; j++) q[j] /= Math.sqrt(norm);
    return q;
  });
}

/**
 * The covariance's participation ratio (Σλ)² / Σλ² = tr(C)² / ‖C‖²_F — "effective dimensions",
 * no eigen-decomposition needed — and the mean vector's norm, over the first 5,000 vectors:
 * how far a data set is from isotropic (≈ d) toward low-dimensional (what a graph index likes).
 */
function shapeOf(vectors: Float32Array[]): string {
  const xs = vectors.slice(0, 5000);
  const mean = new Float64Array(D);
  for (const v of xs) for (let j = 0; j < D; j++) mean[j] += v[j] / xs.length;
  const c = new Float64Array(D * D);
  const x = new Float64Array(D);
  for (const v of xs) {
    for (let j = 0; j < D; j++) x[j] = v[j] - mean[j];
    for (let i = 0; i < D; i++) {
      const xi = x[i];
      const o = i * D;
      for (let j = i; j < D; j++) c[o + j] += xi * x[j];
    }
  }
  let trace = 0;
  let frob = 0;
  for (let i = 0; i < D; i++) {
    trace += c[i * D + i];
    for (let j = i; j < D; j++) frob += (i === j ? 1 : 2) * c[i * D + j] ** 2;
  }
  const norm = Math.sqrt(mean.reduce((s, m) => s + m * m, 0));
  return `effective dimensions ${(trace ** 2 / frob).toFixed(1)}, mean-vector norm ${norm.toFixed(3)} (first ${xs.length})`;
}

const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const EFS = (flag("--ef") ?? "16,32,64,128,256").split(",").map(Number);
const hnswOpts: HnswOptions = {
  expansionAdd: Number(flag("--ef-add")) || undefined,
  connectivity: Number(flag("--m")) || undefined,
  quantization: flag("--quant") as HnswQuantization | undefined,
  threads: Number(flag("--threads")) || undefined,
};
const DATA = (flag("--data") ?? "clustered,random").split(",") as ("clustered" | "random")[];

/**
 * One data kind at N: the exact index (build, memory, latency), one HNSW build, then each ef of
 * the sweep over that same graph (saved once, loaded with the new ef: usearch fixes ef at
 * construction), recall@10 for both query sets against the exact index's answers. The save and
 * load are timed too: what a restart pays instead of a rebuild.
 */
function atScaleOf(kind: "clustered" | "random" | "real", vectors: Float32Array[], fresh: Float32Array[], near: Float32Array[]): void {
  const N = vectors.length;
  const keys = vectors.map((_, i) => i + 1);
  const exact = measureMemory(() => {
    const e = new ExactIndex(D, N);
    e.addBatch(keys, vectors);
    return e;
  });
  const e = timeSearches((i) => exact.index.search(fresh[i % QUERIES], 10));
  const truthFresh = truthOf(exact.index, fresh);
  const truthNear = truthOf(exact.index, near);
  const freshName = kind === "random" ? "isotropic" : "fresh";
  // The exact index is one Float32Array of N × D: its size is known; a measured delta here is at
  // the mercy of when V8 frees the previous kind's buffers.
  const exactMb = mb(N * D * 4);
  console.log(`\n${N} ${kind} vectors: ${shapeOf(vectors)}`);
  console.log(`${N} chunks, ${kind} vectors; exact: build ${exact.ms} ms, ${exactMb} MB of vectors (${round3((exactMb * 100_000) / N)} per 100k), search p50 ${e.p50} ms, p99 ${e.p99} ms`);
  const o = { ...HNSW_DEFAULTS, ...Object.fromEntries(Object.entries(hnswOpts).filter(([, v]) => v !== undefined)) };
  const hnsw = measureMemory(() => {
    const h = new HnswIndex(D, hnswOpts);
    h.addBatch(keys, vectors);
    return h;
  });
  const dir = mkdtempSync(join(tmpdir(), "keel-bench-hnsw-"));
  const file = join(dir, "index.usearch");
  let t = performance.now();
  hnsw.index.save(file);
  const saveMs = Math.round(performance.now() - t);
  const fileMb = mb(statSync(file).size);
  console.log(`hnsw (M ${o.connectivity}, ef_add ${o.expansionAdd}, ${o.quantization}, ${hnswOpts.threads ?? availableParallelism()} threads): build ${hnsw.ms} ms, ${hnsw.mb} MB RSS (${round3((hnsw.mb * 100_000) / N)} per 100k), file ${fileMb} MB, save ${saveMs} ms`);
  console.log(`ef      search p50 ms  p99 ms  k=40 p99 ms  recall@10 ${freshName.padEnd(10)} (top 10 of 40)  recall@10 near  (top 10 of 40)  load ms`);
  for (const ef of EFS) {
    t = performance.now();
    const h = HnswIndex.load(file, D, { ...hnswOpts, expansionSearch: ef });
    const loadMs = Math.round(performance.now() - t);
    const s = timeSearches((i) => h.search(fresh[i % QUERIES], 10));
    const s40 = timeSearches((i) => h.search(fresh[i % QUERIES], 40));
    console.log(`${String(ef).padEnd(7)} ${String(s.p50).padEnd(14)} ${String(s.p99).padEnd(7)} ${String(s40.p99).padEnd(12)} ${String(recallAt10(h, truthFresh, fresh)).padEnd(20)} ${String(recallAt10(h, truthFresh, fresh, 40)).padEnd(15)} ${String(recallAt10(h, truthNear, near)).padEnd(15)} ${String(recallAt10(h, truthNear, near, 40)).padEnd(15)} ${loadMs}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Real USE-lite vectors: every distinct string under `text`, `a` or `b` of a JSONL file, embedded
 * with the offline embedder (≈ 55 short texts/s here); a seeded 200 of them are the queries, the
 * rest the chunks. Slow, so it is a flag, and the file is the caller's.
 */
async function realVectors(path: string): Promise<void> {
  const texts = new Set<string>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as Record<string, unknown>;
    for (const f of ["text", "a", "b"]) if (typeof row[f] === "string" && row[f]) texts.add(row[f]);
  }
  const all = [...texts];
  const r = new Rng(5);
  for (let i = all.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  const embedder = getDefaultEmbedder();
  const t0 = performance.now();
  const vectors: Float32Array[] = [];
  for (let i = 0; i < all.length; i += 64) vectors.push(...(await embedder.embed(all.slice(i, i + 64))));
  await embedder.close();
  console.log(`\nembedded ${all.length} texts of ${path} with USE-lite in ${Math.round(performance.now() - t0)} ms`);
  const fresh = vectors.slice(vectors.length - QUERIES);
  const data = vectors.slice(0, vectors.length - QUERIES);
  atScaleOf("real", data, fresh, nearQueries(data, 9));
}

async function atScale(): Promise<void> {
  console.log(`\nuptime: ${loadAverage()}`);
  let hybridVectors: Float32Array[] | undefined;
  let hybridQueries: Float32Array[] | undefined;
  for (const kind of DATA) {
    const t0 = performance.now();
    // Clustered: embedding-like (ClusteredSpace's defaults match USE-lite's effective dimension);
    // fresh queries are new draws from the same topics. Random: isotropic unit vectors and
    // isotropic queries, the worst case for a graph index.
    const space = new ClusteredSpace(D, 42);
    const vectors = kind === "clustered" ? space.sample(N, 1) : randomUnitVectors(N, D, 1);
    const fresh = kind === "clustered" ? space.sample(QUERIES, 11) : randomUnitVectors(QUERIES, D, 11);
    const near = nearQueries(vectors, 9);
    console.log(`generated ${N} ${kind} vectors of ${D} dimensions in ${Math.round(performance.now() - t0)} ms`);
    atScaleOf(kind, vectors, fresh, near);
    hybridVectors ??= vectors;
    hybridQueries ??= fresh;
  }
  console.log(`uptime: ${loadAverage()}`);
  if (!hybridVectors || !hybridQueries) return;
  const vectors = hybridVectors;
  const near = hybridQueries;
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
if (flag("--texts")) await realVectors(flag("--texts")!);
else await atScale();
