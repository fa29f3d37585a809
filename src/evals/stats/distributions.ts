/**
 * The few distribution functions the tests need, without a numerics dependency.
 */

/**
 * Complementary error function, Numerical Recipes (2nd ed., §6.2) `erfcc`: Chebyshev fit with
 * fractional error below 1.2e-7 everywhere — ample for p-values reported to three digits.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Upper tail of χ² with one degree of freedom: P(X ≥ x) = erfc(√(x/2)). */
export function chiSquare1Sf(x: number): number {
  if (x <= 0) return 1;
  return erfc(Math.sqrt(x / 2));
}

/**
 * P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space so n in the tens of thousands neither
 * overflows the binomial coefficient nor underflows 2^−n.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logP = -n * Math.LN2; // log P(X = 0)
  let total = Math.exp(logP);
  for (let i = 0; i < k; i++) {
    logP += Math.log(n - i) - Math.log(i + 1);
    total += Math.exp(logP);
  }
  return Math.min(1, total);
}
