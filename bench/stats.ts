/** Summary statistics over raw samples (milliseconds). Pure: no I/O, no clocks. */

export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/** Linear interpolation between closest ranks on an ascending array (the "R-7" definition). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  let sum = 0;
  for (const v of s) sum += v;
  return {
    n: s.length,
    mean: s.length ? sum / s.length : Number.NaN,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    min: s.length ? s[0] : Number.NaN,
    max: s.length ? s[s.length - 1] : Number.NaN,
  };
}

/** Rounds for display and JSON: µs resolution is all a millisecond figure needs. */
export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
