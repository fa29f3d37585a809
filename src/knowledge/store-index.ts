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

  /** A rebuild from stored chunks: vectors in one batch, then keywords. Blocks for the whole build. */
  addAll(chunks: readonly ChunkRecord[]): void {
    const live = chunks.filter((c) => c.status === "live");
    this.vectors.addBatch(live.map((c) => c.key), live.map((c) => c.embedding));
    for (const c of live) this.keywords.add(c.key, c.text);
  }

  /**
   * The same rebuild in slices, yielding to the event loop between them: an HNSW insert is a
   * synchronous native call (~1.5 ms a vector on a busy 2-core machine), so 10k chunks in one batch
   * would stall every other request for many seconds (bench/README.md).
   */
  async addAllInSlices(chunks: readonly ChunkRecord[], slice = 256): Promise<void> {
    const live = chunks.filter((c) => c.status === "live");
    for (let i = 0; i < live.length; i += slice) {
      const part = live.slice(i, i + slice);
      this.vectors.addBatch(part.map((c) => c.key), part.map((c) => c.embedding));
      for (const c of part) this.keywords.add(c.key, c.text);
      if (i + slice < live.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  remove(key: number): void {
    this.vectors.remove(key);
    this.keywords.remove(key);
  }

  size(): number {
    return this.vectors.size();
  }
}
