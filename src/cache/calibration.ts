import { wilsonInterval } from "../evals/stats/wilson.js";

/**
 * Choosing the semantic cache's similarity threshold from labelled pairs (docs/cache.md): each
 * pair's cosine similarity and whether its two texts are duplicates (the same answer serves
 * both). At threshold t a pair "hits" when its similarity is at least t. Pure.
 *
 * - hit rate: duplicates that hit / duplicates (how much of the reuse available is taken);
 * - false-hit rate: non-duplicates that hit / pairs that hit (how often a served hit is wrong),
 *   with its Wilson 95% interval over the hits — the upper bound is what the target is held to.
 */

export interface LabelledScore {
  similarity: number;
  duplicate: boolean;
}

export interface CurvePoint {
  threshold: number;
  hits: number;
  falseHits: number;
  hitRate: number;
  falseHitRate: number;
  falseHitUpper95: number;
}

export interface Calibration {
  pairs: number;
  duplicates: number;
  curve: CurvePoint[];
  /** The lowest threshold (most hits) whose false-hit upper bound meets the target; null when none does. */
  chosen: CurvePoint | null;
  target: number;
}

/** Thresholds 0.50, 0.51, … 0.99, 1.00: fine enough for USE-lite's cosines, coarse enough to read. */
export const DEFAULT_THRESHOLDS: readonly number[] = Array.from({ length: 51 }, (_, i) => Math.round((0.5 + i * 0.01) * 100) / 100);

export function calibrate(scores: readonly LabelledScore[], target: number, thresholds: readonly number[] = DEFAULT_THRESHOLDS): Calibration {
  if (!(target > 0 && target < 1)) throw new RangeError(`the target false-hit rate must be between 0 and 1 (exclusive), got ${target}`);
  const duplicates = scores.filter((s) => s.duplicate).length;
  const curve: CurvePoint[] = [];
  for (const t of thresholds) {
    let hits = 0;
    let falseHits = 0;
    for (const s of scores) {
      if (s.similarity >= t) {
        hits++;
        if (!s.duplicate) falseHits++;
      }
    }
    const ci = wilsonInterval(falseHits, hits);
    curve.push({ threshold: t, hits, falseHits, hitRate: duplicates === 0 ? 0 : (hits - falseHits) / duplicates, falseHitRate: hits === 0 ? 0 : falseHits / hits, falseHitUpper95: ci.upper });
  }
  // Hits never grow with the threshold, so the first qualifying point is the one with the most hits.
  const chosen = curve.find((p) => p.hits > 0 && p.falseHitUpper95 <= target) ?? null;
  return { pairs: scores.length, duplicates, curve, chosen, target };
}
