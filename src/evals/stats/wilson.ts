/**
 * The Wilson score interval for a binomial proportion (Wilson 1927; Brown, Cai & DasGupta 2001
 * recommend it over the normal approximation for small counts and proportions near 0 or 1, which
 * is where false-hit rates live). z = 1.959964 gives 95%.
 */
export const Z95 = 1.959963984540054;

export interface WilsonInterval {
  readonly lower: number;
  readonly upper: number;
}

/** The interval for `successes` out of `n`; with n = 0 nothing is known: [0, 1]. */
export function wilsonInterval(successes: number, n: number, z = Z95): WilsonInterval {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || n < 0 || successes > n) throw new RangeError(`wilsonInterval: need 0 <= successes <= n, got ${successes} of ${n}`);
  if (n === 0) return { lower: 0, upper: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Exact at the ends: rounding would otherwise leave a lower bound of 1e-18 for zero events.
  return { lower: successes === 0 ? 0 : Math.max(0, centre - half), upper: successes === n ? 1 : Math.min(1, centre + half) };
}
