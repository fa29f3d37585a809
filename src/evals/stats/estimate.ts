/**
 * A statistic that may not exist for the data at hand (kappa when both raters used one category,
 * a correlation with zero variance). Undefined is a value with a reason, never NaN and never a
 * silent 0 or 1, so reports and JSON output say why a number is missing.
 */
export type Estimate = { readonly value: number; readonly reason?: undefined } | { readonly value: null; readonly reason: string };

export function defined(value: number): Estimate {
  if (!Number.isFinite(value)) throw new RangeError(`an estimate must be finite, got ${value}`);
  return { value };
}

export function undefinedBecause(reason: string): Estimate {
  return { value: null, reason };
}
