import { checkDimensions, type VectorHit, type VectorIndex } from "./vector-index.js";

/**
 * Brute force: every vector in one contiguous Float32Array (slot per key, swap-remove), a dot
 * product per vector and a bounded top-k. Exact, so it is the reference the ANN index is measured
 * against, and the right choice for small stores.
 */
export class ExactIndex implements VectorIndex {
  readonly kind = "exact" as const;
  private data: Float32Array;
  private keys: number[] = [];
  private readonly slot = new Map<number, number>();

  constructor(readonly dimensions: number, initialCapacity = 1024) {
    this.data = new Float32Array(dimensions * initialCapacity);
  }

  size(): number {
    return this.keys.length;
  }

  add(key: number, vector: Float32Array): void {
    checkDimensions(this, vector);
    let s = this.slot.get(key);
    if (s === undefined) {
      s = this.keys.length;
      if ((s + 1) * this.dimensions > this.data.length) {
        const grown = new Float32Array(this.data.length * 2 || this.dimensions * 16);
        grown.set(this.data);
        this.data = grown;
      }
      this.keys.push(key);
      this.slot.set(key, s);
    }
    this.data.set(vector, s * this.dimensions);
  }

  addBatch(keys: readonly number[], vectors: readonly Float32Array[]): void {
    for (let i = 0; i < keys.length; i++) this.add(keys[i], vectors[i]);
  }

  /** Each key with a view of its vector (valid until the next add or remove): what a move to another index reads. */
  *entries(): IterableIterator<[number, Float32Array]> {
    const d = this.dimensions;
    for (let s = 0; s < this.keys.length; s++) yield [this.keys[s], this.data.subarray(s * d, (s + 1) * d)];
  }

  remove(key: number): void {
    const s = this.slot.get(key);
    if (s === undefined) return;
    const last = this.keys.length - 1;
    if (s !== last) {
      const d = this.dimensions;
      this.data.copyWithin(s * d, last * d, (last + 1) * d);
      this.keys[s] = this.keys[last];
      this.slot.set(this.keys[s], s);
    }
    this.keys.pop();
    this.slot.delete(key);
  }

  search(query: Float32Array, k: number): VectorHit[] {
    checkDimensions(this, query);
    const n = this.keys.length;
    if (k <= 0 || n === 0) return [];
    const d = this.dimensions;
    const data = this.data;
    // Bounded top-k kept sorted (k is small: a search asks for tens, not thousands).
    const top: VectorHit[] = [];
    for (let i = 0; i < n; i++) {
      let dot = 0;
      const o = i * d;
      for (let j = 0; j < d; j++) dot += data[o + j] * query[j];
      const key = this.keys[i];
      if (top.length === k && !better(dot, key, top[k - 1])) continue;
      let at = top.length === k ? k - 1 : top.length;
      while (at > 0 && better(dot, key, top[at - 1])) at--;
      if (top.length === k) top.pop();
      top.splice(at, 0, { key, score: dot });
    }
    return top;
  }
}

function better(score: number, key: number, than: VectorHit): boolean {
  return score > than.score || (score === than.score && key < than.key);
}
