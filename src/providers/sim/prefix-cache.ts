/**
 * Prefix-cache model, after vLLM's automatic prefix caching: a prompt's tokens are cut into
 * fixed-size blocks and each full block is named by a hash that chains in every block before it,
 * so equal hashes mean equal prefixes. An LRU of block hashes then answers "how many leading
 * tokens has this server already computed?". Pure and I/O-free, so a routing simulation can keep
 * one cache per simulated replica and ask each how much of a prompt it would reuse. The block
 * hashes come from `tokens/block-hasher.ts`, which the router's prefix affinity shares.
 */

/** An LRU set of block hashes. A capacity of 0 caches nothing. */
export class PrefixCache {
  // a Set iterates in insertion order: delete + add moves an entry to the young end, the first entry is the oldest
  private readonly blocks = new Set<number>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.blocks.size;
  }

  /** How many leading blocks of `hashes` are cached. Read-only: serving refreshes them through insert(). */
  matchedBlocks(hashes: readonly number[]): number {
    let i = 0;
    while (i < hashes.length && this.blocks.has(hashes[i])) i++;
    return i;
  }

  /** Adds or refreshes a prompt's blocks, evicting the least recently used beyond capacity. */
  insert(hashes: readonly number[]): void {
    if (this.capacity === 0) return;
    // tail first, so a prompt's head ends youngest and eviction eats prompts from their end (as vLLM
    // does): an evicted head block would orphan every block after it
    for (let i = Math.min(hashes.length, this.capacity) - 1; i >= 0; i--) {
      const h = hashes[i];
      this.blocks.delete(h);
      this.blocks.add(h);
    }
    while (this.blocks.size > this.capacity) this.blocks.delete(this.blocks.values().next().value as number);
  }

  clear(): void {
    this.blocks.clear();
  }
}
