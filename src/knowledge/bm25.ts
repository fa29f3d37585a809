/**
 * Okapi BM25 keyword scoring (Robertson & Zaragoza 2009) over an in-memory inverted index, with
 * the usual k1 = 1.2, b = 0.75 and the non-negative idf ln(1 + (N − df + 0.5)/(df + 0.5)).
 * Tokens: NFKC, lower case, runs of letters or digits — so an identifier such as "ERR-4021" is
 * matched by its parts "err" and "4021", where an embedding would blur it.
 */
export interface KeywordHit {
  key: number;
  score: number;
}

const K1 = 1.2;
const B = 0.75;
const TOKEN = /[\p{L}\p{N}]+/gu;

export function tokenize(text: string): string[] {
  return text.normalize("NFKC").toLowerCase().match(TOKEN) ?? [];
}

export class Bm25Index {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly lengths = new Map<number, number>();
  private totalLength = 0;

  size(): number {
    return this.lengths.size;
  }

  /** Indexes `text` under `key`; adding a key again replaces it. */
  add(key: number, text: string): void {
    this.remove(key);
    const terms = tokenize(text);
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = new Map()));
      p.set(key, n);
    }
    this.lengths.set(key, terms.length);
    this.totalLength += terms.length;
    this.terms.set(key, [...tf.keys()]);
  }

  private readonly terms = new Map<number, string[]>();

  remove(key: number): void {
    const len = this.lengths.get(key);
    if (len === undefined) return;
    for (const t of this.terms.get(key) ?? []) {
      const p = this.postings.get(t);
      p?.delete(key);
      if (p && p.size === 0) this.postings.delete(t);
    }
    this.terms.delete(key);
    this.lengths.delete(key);
    this.totalLength -= len;
  }

  /** Every key sharing a term with the query, best first (ties by smaller key), at most `k`. */
  search(query: string, k: number): KeywordHit[] {
    const n = this.lengths.size;
    if (n === 0 || k <= 0) return [];
    const avg = this.totalLength / n || 1;
    const scores = new Map<number, number>();
    for (const t of new Set(tokenize(query))) {
      const p = this.postings.get(t);
      if (!p) continue;
      const idf = Math.log(1 + (n - p.size + 0.5) / (p.size + 0.5));
      for (const [key, tf] of p) {
        const len = this.lengths.get(key)!;
        const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / avg));
        scores.set(key, (scores.get(key) ?? 0) + s);
      }
    }
    return [...scores].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score || a.key - b.key).slice(0, k);
  }
}
