import { Bm25Index } from "./bm25.js";
import { ExactIndex } from "./exact-index.js";
import { HnswIndex } from "./hnsw-index.js";
import type { KnowledgeConfig } from "./knowledge-schema.js";
import type { ChunkRecord } from "./types.js";
import type { VectorIndex } from "./vector-index.js";

/** One store's in-memory indexes: vectors (HNSW or exact) and BM25 keywords, over its live chunks. */
export class StoreIndex {
  readonly vectors: VectorIndex;
  readonly keywords = new Bm25Index();

  constructor(kind: KnowledgeConfig["index"], dimensions: number) {
    this.vectors = kind === "hnsw" ? new HnswIndex(dimensions) : new ExactIndex(dimensions);
  }

  /** Indexes a chunk that may be served; quarantined chunks are kept out until released. */
  add(c: ChunkRecord): void {
    if (c.status !== "live") return;
    this.vectors.add(c.key, c.embedding);
    this.keywords.add(c.key, c.text);
  }

  /** A rebuild from stored chunks: vectors in one batch, then keywords. */
  addAll(chunks: readonly ChunkRecord[]): void {
    const live = chunks.filter((c) => c.status === "live");
    this.vectors.addBatch(live.map((c) => c.key), live.map((c) => c.embedding));
    for (const c of live) this.keywords.add(c.key, c.text);
  }

  remove(key: number): void {
    this.vectors.remove(key);
    this.keywords.remove(key);
  }

  size(): number {
    return this.vectors.size();
  }
}

export function createVectorIndex(kind: KnowledgeConfig["index"], dimensions: number): VectorIndex {
  return kind === "hnsw" ? new HnswIndex(dimensions) : new ExactIndex(dimensions);
}
