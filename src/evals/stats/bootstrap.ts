import { mean, quantileSorted } from "./descriptive.js";
import { seededRandom } from "./random.js";

export interface Interval {
  readonly low: number;
  readonly high: number;
  /** Coverage, e.g. 0.95. */
  readonly level: number;
}

export interface BootstrapOptions {
  /** Resamples; 2000 keeps the Monte Carlo error of a 95% percentile bound near 0.005 for typical metrics. */
  resamples?: number;
  level?: number;
  seed?: number;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 2000, level: 0.95, seed: 1 } as const;

/**
 * Percentile bootstrap over `n` units (Efron & Tibshirani 1993, ch. 13): resample unit indices with
 * replacement, recompute the statistic, take the (1−level)/2 and (1+level)/2 quantiles. Resamples
 * where the statistic is undefined (null) are skipped; if more than half are, there is no interval.
 */
export function bootstrapInterval(n: number, statistic: (idx: Int32Array) => number | null, opts: BootstrapOptions = {}): Interval | null {
  const B = opts.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const level = opts.level ?? BOOTSTRAP_DEFAULTS.level;
  if (n < 2 || B < 1) return null;
  const rnd = seededRandom(opts.seed ?? BOOTSTRAP_DEFAULTS.seed);
  const idx = new Int32Array(n);
  const stats: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rnd() * n);
    const s = statistic(idx);
    if (s !== null && Number.isFinite(s)) stats.push(s);
  }
  if (stats.length < B / 2) return null;
  stats.sort((a, b) => a - b);
  return { low: quantileSorted(stats, (1 - level) / 2), high: quantileSorted(stats, (1 + level) / 2), level };
}

export interface PairedDifference {
  readonly n: number;
  /** mean(b − a): positive when b scores higher. */
  readonly delta: number;
  readonly ci: Interval | null;
}

/**
 * Paired bootstrap of the mean difference: both runs scored the same items, so resampling items
 * (not the two runs independently) keeps the pairing and removes item difficulty from the variance.
 */
export function pairedBootstrap(a: readonly number[], b: readonly number[], opts: BootstrapOptions = {}): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  if (a.length === 0) throw new RangeError("paired bootstrap of empty samples");
  const d = a.map((x, i) => b[i] - x);
  const ci = bootstrapInterval(d.length, (idx) => {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += d[idx[i]];
    return s / idx.length;
  }, opts);
  return { n: d.length, delta: mean(d), ci };
}
