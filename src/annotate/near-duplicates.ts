/**
 * Token-set Jaccard similarity with prefix filtering (Chaudhuri et al. 2006; Bayardo et al. 2007):
 * order each set's tokens rarest first; two sets with J ≥ t must share a token among the first
 * |x| − ⌈t·|x|⌉ + 1 of each, so only those prefixes are indexed and only sets sharing a prefix
 * token are compared. Exact for the threshold, and far from quadratic on real text.
 */

export const DEFAULT_JACCARD = 0.8;
const MAX_TOKENS = 4096;

/** Lower-cased letter/digit runs, as a set, at most 4096 (bounded work per row). */
export function tokenSet(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    out.add(m[0]);
    if (out.size >= MAX_TOKENS) break;
  }
  return [...out];
}

export function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const small = a.length <= b.length ? a : b;
  const big = new Set(a.length <= b.length ? b : a);
  let inter = 0;
  for (const t of small) if (big.has(t)) inter++;
  return inter / (a.length + b.length - inter);
}

export interface SimilarPair {
  a: number;
  b: number;
  jaccard: number;
}

/**
 * Pairs (a from `left`, b from `right`) with Jaccard ≥ threshold. With `right` omitted, pairs
 * within `left`, a < b. Empty sets match nothing (they say nothing about content).
 */
export function similarPairs(left: readonly (readonly string[])[], threshold: number, right?: readonly (readonly string[])[]): SimilarPair[] {
  const self = right === undefined;
  const other = right ?? left;
  const df = new Map<string, number>();
  for (const s of self ? left : [...left, ...other]) for (const t of s) df.set(t, (df.get(t) ?? 0) + 1);
  const order = (s: readonly string[]): string[] => [...s].sort((x, y) => df.get(x)! - df.get(y)! || (x < y ? -1 : x > y ? 1 : 0));
  const prefix = (n: number): number => n - Math.ceil(threshold * n) + 1;
  const index = new Map<string, number[]>();
  other.forEach((s, j) => {
    const o = order(s);
    for (const t of o.slice(0, prefix(o.length))) (index.get(t) ?? index.set(t, []).get(t)!).push(j);
  });
  const otherSets = other.map((s) => new Set(s));
  const out: SimilarPair[] = [];
  left.forEach((s, i) => {
    if (s.length === 0) return;
    const o = order(s);
    const seen = new Set<number>();
    for (const t of o.slice(0, prefix(o.length))) {
      for (const j of index.get(t) ?? []) {
        if (seen.has(j) || (self && j <= i) || other[j].length === 0) continue;
        seen.add(j);
        // Size filter: J ≤ min/max, so a size ratio below t cannot reach it.
        const [lo, hi] = s.length < other[j].length ? [s.length, other[j].length] : [other[j].length, s.length];
        if (lo < threshold * hi) continue;
        let inter = 0;
        for (const x of s) if (otherSets[j].has(x)) inter++;
        const jv = inter / (s.length + other[j].length - inter);
        if (jv >= threshold) out.push({ a: i, b: j, jaccard: jv });
      }
    }
  });
  return out.sort((x, y) => x.a - y.a || x.b - y.b);
}
