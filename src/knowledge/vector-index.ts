/**
 * Nearest-neighbour search over unit-length vectors, by cosine similarity. One interface, two
 * implementations run against one contract suite (vector-index.contract.ts): `ExactIndex`, brute
 * force and the reference, and `HnswIndex` (usearch), approximate. Keys are the chunks' integer ids.
 */
export interface VectorHit {
  key: number;
  /** Cosine similarity, −1..1 (vectors are unit length, so it is the dot product). */
  score: number;
}

export interface VectorIndex {
  readonly kind: "exact" | "hnsw";
  readonly dimensions: number;
  /** Number of vectors held. */
  size(): number;
  /** Adds a vector under `key`; adding a key again replaces its vector. Throws on a wrong dimension. */
  add(key: number, vector: Float32Array): void;
  /** Adds many at once (an index rebuild): the same as `add` for each, in order; may use several threads. */
  addBatch(keys: readonly number[], vectors: readonly Float32Array[]): void;
  /** Removes `key`; removing an absent key does nothing. */
  remove(key: number): void;
  /** At most `k` hits, best first; ties by smaller key (exact index). An empty index answers []. */
  search(query: Float32Array, k: number): VectorHit[];
}

export function checkDimensions(index: VectorIndex, v: Float32Array): void {
  if (v.length !== index.dimensions) throw new RangeError(`vector has ${v.length} dimensions; the index holds ${index.dimensions}`);
}
