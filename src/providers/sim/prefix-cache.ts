/**
 * Prefix-cache model, after vLLM's automatic prefix caching: a prompt's tokens are cut into
 * fixed-size blocks and each full block is named by a hash that chains in every block before it,
 * so equal hashes mean equal prefixes. An LRU of block hashes then answers "how many leading
 * tokens has this server already computed?". Pure and I/O-free, so a routing simulation can keep
 * one cache per simulated replica and ask each how much of a prompt it would reuse.
 */

/** Turns a token stream into chained block hashes; a trailing partial block is not hashed (never cached). */
export class BlockHasher {
  private h1: number;
  private h2: number;
  private filled = 0;
  readonly hashes: number[] = [];

  constructor(
    private readonly blockTokens: number,
    seed: number,
  ) {
    this.h1 = seed ^ 0xdeadbeef;
    this.h2 = seed ^ 0x41c6ce57;
  }

  push(token: number): void {
    this.h1 = Math.imul(this.h1 ^ token, 2654435761);
    this.h2 = Math.imul(this.h2 ^ token, 1597334677);
    if (++this.filled === this.blockTokens) this.seal();
  }

  pushAll(tokens: readonly number[]): void {
    for (let i = 0; i < tokens.length; i++) this.push(tokens[i]);
  }

  private seal(): void {
    // cyrb53's finaliser: 53 bits, so a hash is an exact JS number and collisions stay negligible at 10M blocks
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    this.hashes.push(4294967296 * (2097151 & h2) + (h1 >>> 0));
    // the next block continues from this state, which is what chains a block to its whole prefix
    this.h1 = h1;
    this.h2 = h2;
    this.filled = 0;
  }
}

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
