/**
 * Speculative decoding arithmetic (Leviathan, Kalman & Matias, "Fast Inference from Transformers
 * via Speculative Decoding", ICML 2023, §3). α is the probability that the target model accepts a
 * drafted token (assumed i.i.d.), k (the paper's γ) the draft length, c the cost of one draft-model
 * step relative to one target-model step. Pure functions; inputs are checked by calc-inputs.ts.
 */

export interface SpecDecResult {
  alpha: number;
  k: number;
  costRatio: number;
  /** αk + 1: every drafted token accepted with probability α, plus the target's own token — an optimistic estimate. */
  simpleBound: number;
  /** (1 − α^(k+1)) / (1 − α): expected tokens per target pass (the paper's equation 1). */
  expectedTokensPerPass: number;
  /** (1 − α^(k+1)) / ((1 − α)(ck + 1)): expected wall-time speedup over plain decoding (Theorem 3.8). */
  expectedSpeedup: number;
  /** The draft length in 1..64 with the largest expected speedup for this α and c. */
  bestK: number;
  bestSpeedup: number;
  /** Below this α, drafting k tokens is slower than not speculating (speedup < 1), for this k and c. */
  breakEvenAlpha: number;
  /** Below this α no draft length helps: α ≤ c (Corollary 3.9; at k = 1 the speedup is (1 + α)/(1 + c)). */
  breakEvenAlphaAnyK: number;
}

/** Expected tokens produced per target-model pass. */
export function expectedTokens(alpha: number, k: number): number {
  // The limit α → 1 is k + 1 (every draft accepted); the closed form divides 0 by 0 there.
  if (alpha >= 1) return k + 1;
  return (1 - alpha ** (k + 1)) / (1 - alpha);
}

/** Expected wall-time speedup of speculative decoding over decoding with the target alone. */
export function expectedSpeedup(alpha: number, k: number, costRatio: number): number {
  return expectedTokens(alpha, k) / (costRatio * k + 1);
}

export const MAX_DRAFT_LENGTH = 64;

/** The integer draft length in 1..64 that maximises the expected speedup. */
export function bestDraftLength(alpha: number, costRatio: number): { k: number; speedup: number } {
  let best = { k: 1, speedup: expectedSpeedup(alpha, 1, costRatio) };
  for (let k = 2; k <= MAX_DRAFT_LENGTH; k++) {
    const s = expectedSpeedup(alpha, k, costRatio);
    if (s > best.speedup) best = { k, speedup: s };
  }
  return best;
}

/**
 * The α at which the speedup for this k and c is exactly 1. The speedup grows with α (more
 * accepted tokens per pass, same cost), so bisection over [0, 1] finds the one crossing; when even
 * α = 1 gives no gain (c·k ≥ k, i.e. c ≥ 1), the answer is 1.
 */
export function breakEvenAlpha(k: number, costRatio: number): number {
  if (expectedSpeedup(1, k, costRatio) <= 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (expectedSpeedup(mid, k, costRatio) < 1) lo = mid;
    else hi = mid;
  }
  return hi;
}

export function specdec(alpha: number, k: number, costRatio: number): SpecDecResult {
  const best = bestDraftLength(alpha, costRatio);
  return {
    alpha,
    k,
    costRatio,
    simpleBound: alpha * k + 1,
    expectedTokensPerPass: expectedTokens(alpha, k),
    expectedSpeedup: expectedSpeedup(alpha, k, costRatio),
    bestK: best.k,
    bestSpeedup: best.speedup,
    breakEvenAlpha: breakEvenAlpha(k, costRatio),
    breakEvenAlphaAnyK: Math.min(1, costRatio),
  };
}
