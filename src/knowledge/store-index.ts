import { mix } from "../random/rng.js";
import { Bm25Index } from "./bm25.js";
import { ExactIndex } from "./exact-index.js";
import { HnswIndex } from "./hnsw-index.js";
import type { KnowledgeConfig } from "./knowledge-schema.js";
import type { ChunkRecord } from "./types.js";
import type { VectorIndex } from "./vector-index.js";

/**
 * Which keys an index holds: their count and two XORs of 32-bit hashes of each key. Order-free, so
 * the stored chunks' keys give the same value as the index built over them in any order; a saved
 * index is reused only when its fingerprint equals the live chunks' (saved-index.ts).
 */
export function keyFingerprint(keys: Iterable<number>): string {
  let n = 0;
  let a = 0;
  let b = 0;
  for (const k of keys) {
    n++;
    a ^= mix(k, 0x9e3779b9);
    b ^= mix(k, 0x7f4a7c15);
  }
  return `${n}:${(a >>> 0).toString(16)}:${(b >>> 0).toString(16)}`;
}

/** One store's in-memory indexes: vectors (HNSW or exact) and BM25 keywords, over its live chunks. */
export class StoreIndex {
  readonly vectors: VectorIndex;
  readonly keywords = new Bm25Index();
  /** The keys in the vector index; `changes` counts adds and removes (a save records the count it saw). */
  private readonly held = new Set<number>();
  changes = 0;

  /** `saved`: an index loaded from a file made over exactly the live chunks about to be added; otherwise a new one of `kind`. */
  constructor(kind: KnowledgeConfig["index"], dimensions: number, saved?: VectorIndex) {
    this.vectors = saved ?? (kind === "hnsw" ? new HnswIndex(dimensions) : new ExactIndex(dimensions));
  }

  fingerprint(): string {
    return keyFingerprint(this.held);
  }

  /** Indexes a chunk that may be served; quarantined chunks are kept out until released. */
  add(c: ChunkRecord): void {
    if (c.status !== "live") return;
    this.addVectors([c]);
    this.keywords.add(c.key, c.text);
  }

  /** A rebuild from stored chunks: vectors in one batch, then keywords. Blocks for the whole build. */
  addAll(chunks: readonly ChunkRecord[]): void {
    const live = chunks.filter((c) => c.status === "live");
    this.addVectors(live);
    for (const c of live) this.keywords.add(c.key, c.text);
  }

  /**
   * The same rebuild in slices, yielding to the event loop between them: an HNSW insert is a
   * synchronous native call, so 10k chunks in one batch would stall every other request for a
   * second or more (bench/README.md). `vectorsLoaded`: the vector index came from a saved file
   * with exactly these chunks, so only the keywords are built.
   */
  async addAllInSlices(chunks: readonly ChunkRecord[], slice = 256, vectorsLoaded = false): Promise<void> {
    const live = chunks.filter((c) => c.status === "live");
    for (let i = 0; i < live.length; i += slice) {
      const part = live.slice(i, i + slice);
      if (vectorsLoaded) for (const c of part) this.held.add(c.key);
      else this.addVectors(part);
      for (const c of part) this.keywords.add(c.key, c.text);
      if (i + slice < live.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  remove(key: number): void {
    this.vectors.remove(key);
    if (this.held.delete(key)) this.changes++;
    this.keywords.remove(key);
  }

  size(): number {
    return this.vectors.size();
  }

  /** Whether the vector index holds `key`. */
  has(key: number): boolean {
    return this.held.has(key);
  }

  /** The keys the vector index holds. */
  keys(): IterableIterator<number> {
    return this.held.values();
  }

  private addVectors(chunks: readonly ChunkRecord[]): void {
    if (chunks.length === 0) return;
    if (chunks.length === 1) this.vectors.add(chunks[0].key, chunks[0].embedding);
    else this.vectors.addBatch(chunks.map((c) => c.key), chunks.map((c) => c.embedding));
    for (const c of chunks) this.held.add(c.key);
    this.changes++;
  }
}
