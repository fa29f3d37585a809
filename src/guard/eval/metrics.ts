/**
 * Detection arithmetic, pure: outcomes in, confusion counts, rates and latency percentiles out.
 * Rates are null when undefined (no attacks or no benign rows) rather than a misleading 0.
 */

export interface Outcome {
  label: 0 | 1;
  triggered: boolean;
  ms: number;
}

export interface Metrics {
  n: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** tp / (tp + fn): share of attacks caught. */
  detection_rate: number | null;
  /** fp / (fp + tn): share of benign rows flagged. */
  false_positive_rate: number | null;
  precision: number | null;
  f1: number | null;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : round(a / b, 4));

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function computeMetrics(outcomes: readonly Outcome[]): Metrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const o of outcomes) {
    if (o.label === 1) o.triggered ? tp++ : fn++;
    else o.triggered ? fp++ : tn++;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? round((2 * precision * recall) / (precision + recall), 4) : null;
  const ms = outcomes.map((o) => o.ms);
  return {
    n: outcomes.length,
    tp,
    fp,
    tn,
    fn,
    detection_rate: recall,
    false_positive_rate: ratio(fp, fp + tn),
    precision,
    f1,
    p50_ms: round(percentile(ms, 50), 3),
    p99_ms: round(percentile(ms, 99), 3),
    max_ms: round(ms.length ? Math.max(...ms) : 0, 3),
  };
}
