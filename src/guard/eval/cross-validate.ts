import { seededRandom } from "../../random/seeded-random.js";
/**
 * Honest estimates for a trained detector: folds that keep near-duplicates together (jailbreak
 * collections hold dozens of light edits of one template; splitting them across folds would
 * test the model on rows it has effectively seen) and keep the label balance of each fold.
 */

/** Word 3-gram shingles of a text, hashed to numbers. */
export function shingles(text: string): Set<number> {
  const w = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const out = new Set<number>();
  for (let i = 0; i + 3 <= w.length; i++) {
    const s = `${w[i]} ${w[i + 1]} ${w[i + 2]}`;
    let h = 0x811c9dc5;
    for (let j = 0; j < s.length; j++) h = Math.imul(h ^ s.charCodeAt(j), 0x01000193);
    out.add(h >>> 0);
  }
  if (out.size === 0 && w.length > 0) out.add(w.length);
  return out;
}

/** |A∩B| / min(|A|,|B|): a template embedded in a longer text still counts as a duplicate. */
export function overlap(a: Set<number>, b: Set<number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  let hit = 0;
  for (const x of small) if (big.has(x)) hit++;
  return hit / small.size;
}

/**
 * Connected components of "overlap ≥ threshold" (union-find). O(n²) pairs: fine for the few
 * thousand rows of a training set, not meant for run time.
 */
export function nearDuplicateGroups(texts: readonly string[], threshold = 0.5): number[] {
  const sh = texts.map(shingles);
  const parent = texts.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (find(i) === find(j)) continue;
      if (overlap(sh[i], sh[j]) >= threshold) parent[find(j)] = find(i);
    }
  }
  return texts.map((_, i) => find(i));
}

/**
 * Assign each group to one of k folds, balancing attack and benign counts: groups are taken
 * largest first (seeded tie-break) and each goes to the fold where its label is least present.
 * Returns the fold of every row.
 */
export function groupedStratifiedFolds(labels: readonly (0 | 1)[], groups: readonly (string | number)[], k: number, seed: number): number[] {
  const members = new Map<string | number, number[]>();
  groups.forEach((g, i) => (members.has(g) ? members.get(g)!.push(i) : members.set(g, [i])));
  const rand = seededRandom(seed);
  const list = [...members.values()].map((rows) => ({ rows, tie: rand() }));
  list.sort((a, b) => b.rows.length - a.rows.length || a.tie - b.tie);
  const pos = new Array<number>(k).fill(0);
  const neg = new Array<number>(k).fill(0);
  const fold = new Array<number>(labels.length).fill(0);
  for (const g of list) {
    const p = g.rows.filter((i) => labels[i] === 1).length;
    const n = g.rows.length - p;
    let best = 0;
    let bestCost = Infinity;
    for (let f = 0; f < k; f++) {
      const cost = (pos[f] + p) ** 2 + (neg[f] + n) ** 2;
      if (cost < bestCost) {
        bestCost = cost;
        best = f;
      }
    }
    pos[best] += p;
    neg[best] += n;
    for (const i of g.rows) fold[i] = best;
  }
  return fold;
}

