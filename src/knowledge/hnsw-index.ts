import { createRequire } from "node:module";
import { checkDimensions, type VectorHit, type VectorIndex } from "./vector-index.js";

type UsearchModule = typeof import("usearch");
// usearch is a native addon (prebuilt binaries in the package); loaded on first use so a Keel
// without knowledge stores never maps it.
let usearch: UsearchModule | undefined;
function load(): UsearchModule {
  usearch ??= createRequire(import.meta.url)("usearch") as UsearchModule;
  return usearch;
}

export interface HnswOptions {
  /** Graph degree M (usearch default 16). */
  connectivity?: number;
  /** Candidate list while inserting (efConstruction). */
  expansionAdd?: number;
  /**
   * Candidate list while searching (ef); recall against speed. 256, not usearch's 64: on 10k random
   * 512-d vectors recall@10 went from 0.61 to 0.85 for 1.7 ms p50 (bench/README.md).
   */
  expansionSearch?: number;
}

/**
 * HNSW (Malkov & Yashunin 2018) from usearch, cosine metric, float32. Approximate: the contract
 * suite checks its answers against the exact index on random data, bench/knowledge.ts measures its
 * recall@10. usearch's `remove` marks a key deleted; re-adding a key removes it first.
 */
export class HnswIndex implements VectorIndex {
  readonly kind = "hnsw" as const;
  private readonly index: InstanceType<UsearchModule["Index"]>;
  private count = 0;

  constructor(readonly dimensions: number, opts: HnswOptions = {}) {
    const { Index } = load();
    this.index = new Index({
      dimensions,
      metric: "cos" as never,
      connectivity: opts.connectivity ?? 16,
      expansion_add: opts.expansionAdd ?? 128,
      expansion_search: opts.expansionSearch ?? 256,
      quantization: "f32" as never,
      multi: false,
    });
  }

  size(): number {
    return this.count;
  }

  add(key: number, vector: Float32Array): void {
    checkDimensions(this, vector);
    const k = BigInt(key);
    if (this.index.contains(k)) this.index.remove(k);
    else this.count++;
    this.index.add(k, vector);
  }

  /** One native call over a packed matrix, on every core: a rebuild of 10k vectors is several times faster than 10k `add`s. */
  addBatch(keys: readonly number[], vectors: readonly Float32Array[]): void {
    if (keys.length === 0) return;
    const d = this.dimensions;
    const last = new Map<number, number>();
    keys.forEach((k, i) => last.set(k, i));
    const packed = new Float32Array(last.size * d);
    const ks = new BigUint64Array(last.size);
    let j = 0;
    for (const [key, i] of last) {
      checkDimensions(this, vectors[i]);
      const k = BigInt(key);
      if (this.index.contains(k)) this.index.remove(k);
      else this.count++;
      ks[j] = k;
      packed.set(vectors[i], j * d);
      j++;
    }
    this.index.add(ks, packed, 0);
  }

  remove(key: number): void {
    const k = BigInt(key);
    if (!this.index.contains(k)) return;
    this.index.remove(k);
    this.count--;
  }

  search(query: Float32Array, k: number): VectorHit[] {
    checkDimensions(this, query);
    if (k <= 0 || this.count === 0) return [];
    const m = this.index.search(query, Math.min(k, this.count), 1);
    const out: VectorHit[] = [];
    for (let i = 0; i < m.keys.length; i++) out.push({ key: Number(m.keys[i]), score: 1 - m.distances[i] });
    return out;
  }
}
