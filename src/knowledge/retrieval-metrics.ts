import { bootstrapInterval, type Interval } from "../evals/stats/bootstrap.js";

/**
 * Offline retrieval metrics over ranked document ids and graded relevance judgements (qrels).
 * Per query, with R the documents of relevance > 0 and L the ranked list (duplicates removed):
 *  - recall@k    = |L[1..k] ∩ R| / |R|
 *  - precision@k = |L[1..k] ∩ R| / k      (k, not |L|: a short list is not rewarded)
 *  - MRR         = 1 / rank of the first relevant document in L (0 when none), mean over queries
 *  - nDCG@10     = DCG@10 / IDCG@10, DCG@10 = Σ_{i=1..10} (2^rel_i − 1) / log2(i + 1), IDCG the DCG
 *                  of the ideal ordering of the query's judgements
 * Queries without any relevant document are left out (every metric is undefined for them).
 */
export type Qrels = ReadonlyMap<string, ReadonlyMap<string, number>>;

export interface QueryScores {
  recall: number;
  precision: number;
  rr: number;
  ndcg10: number;
}

export function scoreQuery(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): QueryScores | null {
  const relevant = [...judged].filter(([, r]) => r > 0);
  if (relevant.length === 0) return null;
  const seen = new Set<string>();
  const list = ranked.filter((d) => !seen.has(d) && (seen.add(d), true));
  let hits = 0;
  for (const d of list.slice(0, k)) if ((judged.get(d) ?? 0) > 0) hits++;
  const first = list.findIndex((d) => (judged.get(d) ?? 0) > 0);
  const dcg = (rels: number[]): number => rels.slice(0, 10).reduce((s, r, i) => s + (2 ** r - 1) / Math.log2(i + 2), 0);
  const ideal = dcg(relevant.map(([, r]) => r).sort((a, b) => b - a));
  return {
    recall: hits / relevant.length,
    precision: hits / k,
    rr: first === -1 ? 0 : 1 / (first + 1),
    ndcg10: dcg(list.map((d) => judged.get(d) ?? 0)) / ideal,
  };
}

export interface MetricSummary {
  mean: number;
  /** 95% percentile bootstrap interval over queries (2000 resamples, seed 1). */
  ci: Interval | null;
}

export interface RetrievalReport {
  queries: number;
  k: number;
  recall: MetricSummary;
  precision: MetricSummary;
  mrr: MetricSummary;
  ndcg10: MetricSummary;
}

export function summarize(per: readonly QueryScores[], k: number): RetrievalReport {
  const metric = (pick: (q: QueryScores) => number): MetricSummary => {
    const xs = per.map(pick);
    const mean = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
    const ci = bootstrapInterval(xs.length, (idx) => {
      let s = 0;
      for (const i of idx) s += xs[i];
      return s / idx.length;
    });
    return { mean, ci };
  };
  return { queries: per.length, k, recall: metric((q) => q.recall), precision: metric((q) => q.precision), mrr: metric((q) => q.rr), ndcg10: metric((q) => q.ndcg10) };
}
