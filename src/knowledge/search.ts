import { dot } from "../providers/embeddings/vector.js";
import { type AttributeFilter, matchesFilter } from "./attribute-filter.js";
import { freshnessOf, type Freshness } from "./freshness.js";
import { reciprocalRankFusion } from "./fusion.js";
import type { KnowledgeStore } from "./knowledge-store.js";
import type { StoreIndex } from "./store-index.js";
import type { Attributes, ChunkRecord, DocumentRecord, StoreFileRecord, VectorStoreRecord } from "./types.js";

export interface SearchQuery {
  query: string;
  maxResults: number;
  filter?: AttributeFilter;
  /** Results whose cosine similarity (clamped to 0..1) is below this are dropped. */
  scoreThreshold?: number;
  /** "vector" or "keyword" alone, or both fused (default). */
  mode?: "hybrid" | "vector" | "keyword";
  /** Serve chunks of superseded document versions too (they are marked stale). */
  includeSuperseded?: boolean;
}

export interface SearchResult {
  chunk: ChunkRecord;
  document: DocumentRecord;
  attributes: Attributes;
  /** Cosine similarity of query and chunk, clamped to 0..1: what `score_threshold` applies to. */
  score: number;
  /** The fused rank score Σ 1/(k + rank) that ordered the results. */
  fused: number;
  freshness: Freshness;
}

export interface SearchContext {
  store: KnowledgeStore;
  index: StoreIndex;
  vs: VectorStoreRecord;
  rrfK: number;
  now: number;
}

/**
 * Hybrid retrieval: the vector index's and BM25's top candidates fused by reciprocal rank, then
 * filtered (live document version unless asked, attribute filter, score threshold). Candidates are
 * over-fetched (4× the asked results, at least 40) and the pool doubled while filters leave too
 * few and the index holds more, so a selective filter still fills the page.
 */
export function searchStore(c: SearchContext, q: SearchQuery, qv: Float32Array): SearchResult[] {
  const total = c.index.size();
  const mode = q.mode ?? "hybrid";
  const docs = new Map<string, DocumentRecord | undefined>();
  const attrs = new Map<string, StoreFileRecord | undefined>();
  for (let pool = Math.max(q.maxResults * 4, 40); ; pool *= 2) {
    const lists = [];
    if (mode !== "keyword") lists.push(c.index.vectors.search(qv, pool));
    if (mode !== "vector") lists.push(c.index.keywords.search(q.query, pool));
    const fused = reciprocalRankFusion(lists, c.rrfK);
    const chunks = new Map(c.store.getChunks(fused.map((f) => f.key)).map((ch) => [ch.key, ch]));
    const out: SearchResult[] = [];
    for (const f of fused) {
      const chunk = chunks.get(f.key);
      if (!chunk || chunk.status !== "live") continue;
      if (!docs.has(chunk.documentId)) docs.set(chunk.documentId, c.store.getDocument(chunk.documentId));
      const document = docs.get(chunk.documentId);
      if (!document) continue;
      if (document.supersededAt !== null && !q.includeSuperseded) continue;
      const ak = document.fileId;
      if (!attrs.has(ak)) attrs.set(ak, c.store.getAttachment(c.vs.id, document.fileId));
      const attributes = attrs.get(ak)?.attributes ?? {};
      if (q.filter && !matchesFilter(attributes, q.filter)) continue;
      const score = Math.min(1, Math.max(0, dot(qv, chunk.embedding)));
      if (q.scoreThreshold !== undefined && score < q.scoreThreshold) continue;
      out.push({ chunk, document, attributes, score, fused: f.score, freshness: freshnessOf(document, c.vs, c.now) });
      if (out.length === q.maxResults) return out;
    }
    if (pool >= total) return out;
  }
}
