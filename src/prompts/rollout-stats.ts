/**
 * The tests behind automatic rollback, as pure functions. Each asks one one-sided question — "is B
 * worse than A by more than the allowed margin?" — and returns a p-value; see
 * docs/decisions/0007-rollout-statistics.md for why these tests and how alpha is spent.
 */

/** Upper tail of the standard normal, 1 − Φ(z). erfc per Numerical Recipes (fractional error < 1.2e-7). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

const SMALL = 256;
const LOG_FACT: number[] = [0];
for (let i = 1; i < SMALL; i++) LOG_FACT.push(LOG_FACT[i - 1] + Math.log(i));

/** ln n! — a table below 256, Stirling's series above (error < 1e-17 there), so exact enough at any sample size. */
export function logFactorial(n: number): number {
  if (n < SMALL) return LOG_FACT[n];
  const inv = 1 / n;
  const inv2 = inv * inv;
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/**
 * Fisher's exact test, one-sided: P(B would have at least `xB` events) given both arms' totals,
 * under "both arms have the same rate". Exact for any sample size.
 */
export function fisherGreater(xA: number, nA: number, xB: number, nB: number): number {
  const total = nA + nB;
  const events = xA + xB;
  const denom = logChoose(total, nB);
  const hi = Math.min(events, nB);
  let p = 0;
  for (let k = xB; k <= hi; k++) p += Math.exp(logChoose(events, k) + logChoose(total - events, nB - k) - denom);
  return Math.min(1, p);
}

export interface Proportion { n: number; x: number }

export interface TestResult {
  /** One-sided p-value for "B is worse than A beyond the margin". */
  p: number;
  method: "z (Agresti–Caffo)" | "fisher exact" | "mann–whitney u";
  /** Observed B − A for proportions; the Mann–Whitney z for distributions. */
  statistic: number;
}

/**
 * Is B's rate higher than A's by more than `margin`? With every expected cell count ≥ 5, a Wald z
 * test of H0: pB − pA ≤ margin on Agresti–Caffo-adjusted rates (one pseudo-event and non-event per
 * arm, which keeps the variance honest when a rate is 0). With fewer, Fisher's exact test of
 * H0: pB ≤ pA — the caller also demands that the observed difference exceed the margin.
 */
export function proportionWorse(a: Proportion, b: Proportion, margin: number): TestResult {
  const diff = b.x / b.n - a.x / a.n;
  const pooled = (a.x + b.x) / (a.n + b.n);
  const minExpected = Math.min(a.n, b.n) * Math.min(pooled, 1 - pooled);
  if (minExpected < 5) return { p: fisherGreater(a.x, a.n, b.x, b.n), method: "fisher exact", statistic: diff };
  const pa = (a.x + 1) / (a.n + 2);
  const pb = (b.x + 1) / (b.n + 2);
  const se = Math.sqrt((pa * (1 - pa)) / (a.n + 2) + (pb * (1 - pb)) / (b.n + 2));
  return { p: normalSf((pb - pa - margin) / se), method: "z (Agresti–Caffo)", statistic: diff };
}

/**
 * Mann–Whitney U, one-sided: is B stochastically greater than A after `shift` maps A's values
 * (e.g. v ⇒ v·1.25 for "more than 25% slower")? Normal approximation with tie and continuity
 * corrections; callers only ask with tens of samples per arm or more. O((nA+nB) log(nA+nB)).
 */
export function mannWhitneyGreater(a: readonly number[], b: readonly number[], shift: (v: number) => number = (v) => v): TestResult {
  const nA = a.length;
  const nB = b.length;
  const all: { v: number; b: boolean }[] = [];
  for (const v of a) all.push({ v: shift(v), b: false });
  for (const v of b) all.push({ v, b: true });
  all.sort((x, y) => x.v - y.v);
  const n = all.length;
  let rankSumB = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1].v === all[i].v) j++;
    const rank = (i + j + 2) / 2; // ranks are 1-based; ties get the average
    const t = j - i + 1;
    if (t > 1) tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k].b) rankSumB += rank;
    i = j + 1;
  }
  const u = rankSumB - (nB * (nB + 1)) / 2;
  const mean = (nA * nB) / 2;
  const variance = ((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { p: 1, method: "mann–whitney u", statistic: 0 };
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { p: normalSf(z), method: "mann–whitney u", statistic: z };
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
