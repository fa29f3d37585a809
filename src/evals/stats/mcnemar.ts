import { binomialHalfCdf, chiSquare1Sf } from "./distributions.js";

export interface McNemarResult {
  /** Pairs that passed in A and failed in B (regressions when B is the candidate). */
  readonly b: number;
  /** Pairs that failed in A and passed in B (improvements). */
  readonly c: number;
  /** Discordant pairs, b + c. */
  readonly discordant: number;
  /** Exact conditional test: two-sided binomial p of min(b, c) under Binomial(b + c, ½). */
  readonly pExact: number;
  /** McNemar's (1947) statistic (b − c)² / (b + c), without continuity correction; null when b + c = 0. */
  readonly chi2: number | null;
  /** Edwards' continuity-corrected statistic (|b − c| − 1)² / (b + c). */
  readonly chi2Corrected: number | null;
  readonly pChi2Corrected: number | null;
}

/**
 * McNemar's test for paired pass/fail outcomes. Only discordant pairs carry information; the exact
 * binomial p is the one decisions use (the χ² forms are reported for comparison with textbooks and
 * are poor when b + c is small). With no discordant pairs there is no evidence of change: p = 1.
 */
export function mcnemar(pairs: readonly (readonly [boolean, boolean])[]): McNemarResult {
  let b = 0;
  let c = 0;
  for (const [a, bb] of pairs) {
    if (a && !bb) b++;
    else if (!a && bb) c++;
  }
  return mcnemarCounts(b, c);
}

export function mcnemarCounts(b: number, c: number): McNemarResult {
  const n = b + c;
  if (n === 0) return { b, c, discordant: 0, pExact: 1, chi2: null, chi2Corrected: null, pChi2Corrected: null };
  const pExact = Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n));
  const chi2 = ((b - c) * (b - c)) / n;
  const corr = Math.max(0, Math.abs(b - c) - 1);
  const chi2Corrected = (corr * corr) / n;
  return { b, c, discordant: n, pExact, chi2, chi2Corrected, pChi2Corrected: chiSquare1Sf(chi2Corrected) };
}
