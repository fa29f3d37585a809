import { readFile } from "node:fs/promises";
import type { Embedder } from "../providers/embeddings/embedder.js";
import { openMemorySqliteWith } from "../store/sqlite.js";
import { KNOWLEDGE_MIGRATIONS } from "./knowledge-migrations.js";
import type { ChunkingOptions, KnowledgeConfig } from "./knowledge-schema.js";
import { KnowledgeService } from "./knowledge-service.js";
import { type Qrels, type QueryScores, type RetrievalReport, scoreQuery, summarize } from "./retrieval-metrics.js";
import type { SearchQuery } from "./search.js";
import { SqliteKnowledgeStore } from "./sqlite-knowledge-store.js";

export interface EvalSet {
  corpus: { id: string; title?: string; text: string }[];
  queries: { id: string; text: string }[];
  qrels: Qrels;
}

export interface EvalOptions {
  k: number;
  chunking: ChunkingOptions;
  index: KnowledgeConfig["index"];
  rrfK: number;
  modes: NonNullable<SearchQuery["mode"]>[];
  embedder: Embedder;
}

export interface EvalResult {
  documents: number;
  chunks: number;
  index: KnowledgeConfig["index"];
  chunking: ChunkingOptions;
  ingest_ms: number;
  modes: Record<string, RetrievalReport & { search_ms: number }>;
}

/** Reads BEIR-style JSONL files: corpus {id, title?, text}, queries {id, text}, qrels {query_id, doc_id, relevance}. */
export async function readEvalSet(corpusPath: string, queriesPath: string, qrelsPath: string): Promise<EvalSet> {
  const lines = async (p: string): Promise<Record<string, unknown>[]> =>
    (await readFile(p, "utf8")).split("\n").filter((l) => l.trim()).map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`${p}:${i + 1}: not a JSON object`);
      }
    });
  const need = (row: Record<string, unknown>, field: string, p: string): string => {
    const v = row[field];
    if (typeof v !== "string" || v === "") throw new Error(`${p}: a row has no string '${field}'`);
    return v;
  };
  const corpus = (await lines(corpusPath)).map((r) => ({ id: need(r, "id", corpusPath), title: typeof r.title === "string" ? r.title : undefined, text: need(r, "text", corpusPath) }));
  const queries = (await lines(queriesPath)).map((r) => ({ id: need(r, "id", queriesPath), text: need(r, "text", queriesPath) }));
  const qrels = new Map<string, Map<string, number>>();
  for (const r of await lines(qrelsPath)) {
    const q = need(r, "query_id", qrelsPath);
    const rel = typeof r.relevance === "number" ? r.relevance : 1;
    if (!qrels.has(q)) qrels.set(q, new Map());
    qrels.get(q)!.set(need(r, "doc_id", qrelsPath), rel);
  }
  return { corpus, queries, qrels };
}

/**
 * Ingests the corpus into a fresh in-memory store through the same path as uploads (extract,
 * chunk, embed, index; no screening: the labelled set is trusted), runs every query in each mode
 * and scores the ranked documents (a document's rank is that of its best chunk).
 */
export async function evaluateRetrieval(set: EvalSet, o: EvalOptions): Promise<EvalResult> {
  const store = new SqliteKnowledgeStore(openMemorySqliteWith(KNOWLEDGE_MIGRATIONS));
  const config: KnowledgeConfig = { max_file_bytes: 1 << 30, max_chunks_per_file: 1_000_000, chunking: o.chunking, rrf_k: o.rrfK, index: o.index, screening: false, conflicts: false };
  const k = new KnowledgeService({ store, embedder: o.embedder, config, screen: null });
  const vs = k.createStore({ name: "eval", metadata: {}, chunking: o.chunking, maxAgeMs: null });
  const t0 = performance.now();
  for (const d of set.corpus) {
    const f = k.createFile(`${d.id}.txt`, "assistants", new TextEncoder().encode(d.title ? `${d.title}\n\n${d.text}` : d.text), null);
    k.attach(vs.id, f.id, { doc_id: d.id, source_uri: d.id });
  }
  await k.idle();
  const ingestMs = performance.now() - t0;
  const failed = k.counts(vs.id).failed;
  if (failed > 0) throw new Error(`${failed} corpus documents failed to ingest`);
  const chunks = store.chunksOf(vs.id).length;
  const modes: EvalResult["modes"] = {};
  for (const mode of o.modes) {
    const per: QueryScores[] = [];
    const t1 = performance.now();
    for (const q of set.queries) {
      const judged = set.qrels.get(q.id);
      if (!judged) continue;
      // Chunks, not documents, come back: ask for enough to fill k (and 10 for nDCG) distinct documents.
      const hits = await k.search(vs.id, { query: q.text, maxResults: 50, mode });
      const ranked = hits.map((h) => String(h.attributes.doc_id));
      const s = scoreQuery(ranked, judged, o.k);
      if (s) per.push(s);
    }
    modes[mode] = { ...summarize(per, o.k), search_ms: Math.round(performance.now() - t1) };
  }
  return { documents: set.corpus.length, chunks, index: o.index, chunking: o.chunking, ingest_ms: Math.round(ingestMs), modes };
}
