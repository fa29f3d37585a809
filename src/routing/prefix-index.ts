/**
 * What prompt blocks this Keel has sent to one target: the router's side of prefix affinity, an
 * approximate LRU whose cost does not grow with the prompt.
 *
 * Two generations of block hashes: new and refreshed blocks go into `young`; when `young` would
 * pass ¾ of the capacity, it becomes `old` and the previous `old` is dropped. So the index holds
 * the most recently routed 0.75–1.5 × capacity blocks — about `capacity` on average, which is why
 * `lru_blocks` can simply be the server's cache size (in simulation, sizing a half/half split at
 * 1.5× the server cache matched an exact LRU's hit rate; at 1× it lost 3 points) — and a block
 * used again moves back to `young` and survives.
 *
 * The hot path relies on one invariant: within a generation, a prompt's blocks are prefix-closed.
 * A block's hash chains in every block before it (tokens/block-hasher.ts), a prompt's blocks enter a
 * generation together, and a generation only ever loses blocks all at once — so if block i of a
 * prompt is present, blocks 0…i are too. The matched prefix is then found by binary search (a
 * dozen Set lookups for a 100k-token prompt instead of one per block), and re-routing a known
 * prefix inserts only its new tail. An exact LRU (the simulator's PrefixCache) costs ~1 ms per
 * decision on a 12k-token prompt; this costs a few µs (bench/routing-cost.ts).
 */
export class PrefixIndex {
  private young = new Set<number>();
  private old = new Set<number>();
  /** Blocks per generation. */
  private readonly generation: number;

  constructor(readonly capacity: number) {
    this.generation = Math.max(1, Math.ceil(capacity * 0.75));
  }

  /** Blocks held (a block in both generations counts twice). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /** How many leading blocks of `hashes` were routed here recently. */
  matchedBlocks(hashes: readonly number[]): number {
    // the union of two prefix-closed sets is prefix-closed: its match is the longer of the two
    return Math.max(leading(this.young, hashes, hashes.length), leading(this.old, hashes, hashes.length));
  }

  /** Records that a prompt was routed here: its blocks (at most a generation's worth of its head) become the youngest. */
  insert(hashes: readonly number[]): void {
    const n = Math.min(hashes.length, this.generation);
    let k = leading(this.young, hashes, n);
    if (this.young.size + (n - k) > this.generation) {
      // rotate before the prompt, never in its middle, or `young` would hold its tail without its head
      this.old = this.young;
      this.young = new Set();
      k = 0;
    }
    for (let i = k; i < n; i++) this.young.add(hashes[i]);
  }
}

/** Leading blocks of `hashes[0…n)` in `set`, by binary search over the prefix-closed membership. */
function leading(set: ReadonlySet<number>, hashes: readonly number[], n: number): number {
  if (n === 0 || !set.has(hashes[0])) return 0;
  let lo = 1;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (set.has(hashes[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
