/**
 * Chained block hashes of a token stream, after vLLM's automatic prefix caching: the tokens are cut
 * into fixed-size blocks and each full block is named by a hash that chains in every block before
 * it, so equal hashes mean equal prefixes. A leaf both the simulator's prefix cache
 * (providers/sim/prefix-cache.ts) and prefix-affinity routing (routing/prompt-blocks.ts) use, so
 * the two sides' hashes are the same by construction.
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
