/**
 * Picking a decision threshold for a target false-positive rate, from scores of benign rows
 * (trigger at score ≥ threshold). Shared by leave-one-group-out evaluation, where the scores come
 * from the training folds only, and by `keel guard calibrate`, where they come from reviewed
 * traffic. Thresholds have three decimals, as policy yaml and the scanners' rounded scores do.
 */

export interface ThresholdChoice {
  threshold: number;
  /** The false-positive rate on the given benign scores at that threshold (≤ target unless a benign row scores 1). */
  false_positive_rate: number;
  benign: number;
}

/** Share of scores at or above the threshold; null for no scores. */
export function rateAt(scores: readonly number[], threshold: number): number | null {
  if (scores.length === 0) return null;
  let n = 0;
  for (const s of scores) if (s >= threshold) n++;
  return Math.round((n / scores.length) * 1e4) / 1e4;
}

/**
 * The lowest three-decimal threshold whose false-positive rate on `benign` is at most `target`:
 * just above the (⌊target·n⌋+1)-th highest benign score. Capped at 1 (a benign row scoring 1
 * cannot be cleared by a threshold; the returned rate then says so).
 */
export function thresholdForFpr(benign: readonly number[], target: number): ThresholdChoice {
  if (!(target >= 0 && target < 1)) throw new RangeError(`target false-positive rate must be in [0, 1), got ${target}`);
  if (benign.length === 0) throw new RangeError("no benign scores to choose a threshold on");
  const sorted = [...benign].sort((a, b) => b - a);
  const allowed = Math.floor(target * sorted.length + 1e-9);
  const threshold = allowed >= sorted.length ? 0 : Math.min(1, Math.floor(sorted[allowed] * 1000 + 1e-6) / 1000 + 0.001);
  const t = Math.round(threshold * 1000) / 1000;
  return { threshold: t, false_positive_rate: rateAt(sorted, t)!, benign: sorted.length };
}
