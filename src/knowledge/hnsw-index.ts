import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { checkDimensions, type VectorHit, type VectorIndex } from "./vector-index.js";

type UsearchModule = typeof import("usearch");
type NativeIndex = InstanceType<UsearchModule["Index"]>;
// usearch is a native addon (prebuilt binaries in the package); loaded on first use so a Keel
// without knowledge stores never maps it.
let usearch: UsearchModule | undefined;
function load(): UsearchModule {
  usearch ??= createRequire(import.meta.url)("usearch") as UsearchModule;
  return usearch;
}

/** How vectors are stored in the graph: f32 exact, f16 half the memory, i8 a quarter (and less recall). */
export type HnswQuantization = "f32" | "f16" | "i8";

export interface HnswOptions {
  /** Graph degree M (usearch's default 16). */
  connectivity?: number;
  /** Candidate list while inserting (efConstruction): build time against graph quality. */
  expansionAdd?: number;
  /** Candidate list while searching (ef); a search for k > ef uses k. */
  expansionSearch?: number;
  quantization?: HnswQuantization;
  /** Threads for a batch insert; default the cores this process may use. */
  threads?: number;
}

/**
 * Defaults chosen by bench/knowledge.ts (bench/README.md, "Knowledge layer"). On embedding-like
 * vectors (USE-lite's statistics) at 100k, ef 64 finds 0.999 of the exact top 10 at < 1 ms p50;
 * ef 64 at insertion builds the graph in about half the time of 128 with no measurable recall loss.
 * Isotropic random vectors are the worst case (no structure to follow): there, recall needs ef in
 * the hundreds and still falls with size — not what real embeddings do.
 */
export const HNSW_DEFAULTS = { connectivity: 16, expansionAdd: 64, expansionSearch: 64, quantization: "f32" } as const satisfies HnswOptions;

/**
 * HNSW (Malkov & Yashunin 2018) from usearch, cosine metric. Approximate: the contract suite checks
 * its answers against the exact index, bench/knowledge.ts measures recall@10. usearch's `remove`
 * marks a key deleted; re-adding a key removes it first.
 *
 * Threads are always passed explicitly: usearch's 0 means `hardware_concurrency()`, the host's
 * core count (56 on the bench machine), not the 2 cores this container may use — a 10k batch ran
 * 56 workers over 2 cores, and every insert reserved per-thread search contexts for 56.
 */
export class HnswIndex implements VectorIndex {
  readonly kind = "hnsw" as const;
  private readonly index: NativeIndex;
  private readonly threads: number;
  private count = 0;

  constructor(readonly dimensions: number, opts: HnswOptions = {}, from?: { path: string }) {
    const { Index } = load();
    const o = { ...HNSW_DEFAULTS, ...definedOnly(opts) };
    this.threads = Math.max(1, opts.threads ?? availableParallelism());
    this.index = new Index({
      dimensions,
      metric: "cos" as never,
      connectivity: o.connectivity,
      expansion_add: o.expansionAdd,
      expansion_search: o.expansionSearch,
      quantization: o.quantization as never,
      multi: false,
    });
    if (from) {
      // Reads the whole file into memory (`view` would map it read-only, and the index must take adds).
      this.index.load(from.path);
      if (this.index.dimensions() !== dimensions) throw new RangeError(`index file holds ${this.index.dimensions()} dimensions, expected ${dimensions}`);
      this.count = this.index.size();
    }
  }

  /** An index saved by `save`, with the search options given now (they are not in the file). */
  static load(path: string, dimensions: number, opts: HnswOptions = {}): HnswIndex {
    return new HnswIndex(dimensions, opts, { path });
  }

  size(): number {
    return this.count;
  }

  add(key: number, vector: Float32Array): void {
    checkDimensions(this, vector);
    const k = BigInt(key);
    if (this.index.contains(k)) this.index.remove(k);
    else this.count++;
    this.index.add(k, vector, 1);
  }

  /** One native call over a packed matrix, on `threads` threads; keys repeated in the batch keep their last vector. */
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
    this.index.add(ks, packed, this.threads);
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

  /** Writes the graph and its vectors to `path` (usearch's format); `HnswIndex.load` reads it back. */
  save(path: string): void {
    this.index.save(path);
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
