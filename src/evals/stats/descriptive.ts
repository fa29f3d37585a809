/** Plain descriptive statistics; callers guarantee non-empty input where it matters. */

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("mean of an empty sample");
  return sum(xs) / xs.length;
}

/** Sample variance (n − 1 denominator); 0 for a single observation. */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

/**
 * Quantile by linear interpolation between order statistics (Hyndman & Fan type 7, the default of
 * R and NumPy). `sorted` must be ascending.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of an empty sample");
  if (q <= 0) return sorted[0];
  if (q >= 1) return sorted[sorted.length - 1];
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]);
}

/** The lower median: an observed value, so a median of ratings stays on the rating scale. */
export function lowerMedian(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median of an empty sample");
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}
