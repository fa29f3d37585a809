import { defined, type Estimate, undefinedBecause } from "./estimate.js";

/** Ranks 1..n, ties sharing the average of the ranks they span (what Spearman's rho needs). */
export function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const ranks = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const r = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t][1]] = r;
    i = j + 1;
  }
  return ranks;
}

export function pearson(x: readonly number[], y: readonly number[]): Estimate {
  if (x.length !== y.length) throw new RangeError(`samples differ in length: ${x.length} vs ${y.length}`);
  if (x.length < 2) return undefinedBecause("fewer than two pairs");
  let mx = 0;
  let my = 0;
  for (let i = 0; i < x.length; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= x.length;
  my /= y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return undefinedBecause("one side is constant: correlation is 0/0");
  return defined(Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))));
}

/** Spearman's rho: Pearson's r of the average ranks (the tie-correct form, as scipy computes it). */
export function spearman(x: readonly number[], y: readonly number[]): Estimate {
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Kendall's tau-b (Kendall 1945): (P − Q) / √((P + Q + T)(P + Q + U)), with P concordant and Q
 * discordant pairs, T pairs tied only in x and U tied only in y (pairs tied in both count in
 * neither). O(n²) pair counting: agreement sets are hundreds to a few thousand items.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): Estimate {
  if (x.length !== y.length) throw new RangeError(`samples differ in length: ${x.length} vs ${y.length}`);
  if (x.length < 2) return undefinedBecause("fewer than two pairs");
  let p = 0;
  let q = 0;
  let t = 0;
  let u = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) t++;
      else if (dy === 0) u++;
      else if (dx === dy) p++;
      else q++;
    }
  }
  const denom = Math.sqrt((p + q + t) * (p + q + u));
  if (denom === 0) return undefinedBecause("one side is constant: tau-b is 0/0");
  return defined((p - q) / denom);
}
