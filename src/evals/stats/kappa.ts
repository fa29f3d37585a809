import { defined, type Estimate, undefinedBecause } from "./estimate.js";

export type KappaWeights = "unweighted" | "linear" | "quadratic";
export const KAPPA_WEIGHTS: readonly KappaWeights[] = ["unweighted", "linear", "quadratic"];

/** Rows are rater A's category, columns rater B's; categories ascending. */
export interface ConfusionMatrix {
  readonly categories: readonly number[];
  readonly counts: readonly (readonly number[])[];
}

/**
 * Categories are numeric ratings. `scale` adds categories nobody used (a 1–5 scale where no one
 * said 2); unused categories have zero marginals, so they change no kappa — they only make the
 * confusion matrix show the whole scale.
 */
export function confusionMatrix(a: readonly number[], b: readonly number[], scale: readonly number[] = []): ConfusionMatrix {
  if (a.length !== b.length) throw new RangeError(`raters rated different numbers of items: ${a.length} vs ${b.length}`);
  const categories = [...new Set([...a, ...b, ...scale])].sort((x, y) => x - y);
  const index = new Map(categories.map((c, i) => [c, i]));
  const counts = categories.map(() => categories.map(() => 0));
  for (let i = 0; i < a.length; i++) counts[index.get(a[i])!][index.get(b[i])!]++;
  return { categories, counts };
}

/**
 * Disagreement weight between two ratings. Weights come from the rating values, scaled by the
 * range: linear |x − y| / (max − min), quadratic ((x − y) / (max − min))². For consecutive
 * integer scales this is exactly Cohen's (1968) index-based |i − j| / (k − 1) and its square.
 */
function weight(kind: KappaWeights, x: number, y: number, range: number): number {
  if (x === y) return 0;
  if (kind === "unweighted" || range === 0) return 1;
  const d = Math.abs(x - y) / range;
  return kind === "linear" ? d : d * d;
}

/**
 * Cohen's kappa (1960) and weighted kappa (1968) from a confusion matrix:
 *   κ_w = 1 − Σ w_ij·p_ij / Σ w_ij·p_i.·p_.j
 * With 0/1 weights this is (p_o − p_e) / (1 − p_e). Undefined when expected disagreement is 0
 * (both raters put every item in the same single category): agreement beyond chance cannot be
 * assessed, and reporting 1 would be a silent lie.
 */
export function kappaFromMatrix(m: ConfusionMatrix, kind: KappaWeights): Estimate {
  const k = m.categories.length;
  let n = 0;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      n += m.counts[i][j];
      rows[i] += m.counts[i][j];
      cols[j] += m.counts[i][j];
    }
  }
  if (n === 0) return undefinedBecause("no paired ratings");
  const range = m.categories[k - 1] - m.categories[0];
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weight(kind, m.categories[i], m.categories[j], range);
      if (w === 0) continue;
      observed += (w * m.counts[i][j]) / n;
      expected += (w * rows[i] * cols[j]) / (n * n);
    }
  }
  if (expected === 0) return undefinedBecause("expected disagreement is 0: both raters used one and the same category");
  return defined(1 - observed / expected);
}

export function cohensKappa(a: readonly number[], b: readonly number[], kind: KappaWeights = "unweighted"): Estimate {
  return kappaFromMatrix(confusionMatrix(a, b), kind);
}

/** Share of items rated identically (p_o). */
export function percentAgreement(a: readonly number[], b: readonly number[]): Estimate {
  if (a.length === 0) return undefinedBecause("no paired ratings");
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return defined(same / a.length);
}
