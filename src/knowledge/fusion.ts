/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): a key's fused score is
 * Σ over the ranked lists that hold it of 1 / (k + rank), rank starting at 1. It needs no score
 * calibration between BM25 and cosine similarity, only ranks; k damps the weight of the top ranks.
 * Ties by smaller key, so the order is deterministic.
 */
export function reciprocalRankFusion(lists: readonly (readonly { key: number }[])[], k: number): { key: number; score: number }[] {
  const fused = new Map<number, number>();
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) fused.set(list[i].key, (fused.get(list[i].key) ?? 0) + 1 / (k + i + 1));
  }
  return [...fused].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score || a.key - b.key);
}
