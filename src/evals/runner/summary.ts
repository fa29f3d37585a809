import { mean, variance } from "../stats/descriptive.js";
import type { ItemResult, MetricSpec } from "./run-types.js";

/** One metric over one item: the mean of its scored repeats. */
export interface ItemScore {
  readonly mean: number;
  readonly n: number;
  /** Variance across repeats (0 with one repeat). */
  readonly variance: number;
  readonly passed: boolean;
  readonly rating: number | null;
}

/** item id → score of `metric`, for items with at least one scored repeat. */
export function itemScores(results: readonly ItemResult[], metric: MetricSpec): Map<string, ItemScore> {
  const by = new Map<string, { scores: number[]; ratings: number[] }>();
  for (const r of results) {
    const s = r.scores[metric.name];
    if (!s || s.status !== "scored") continue;
    let e = by.get(r.item_id);
    if (!e) by.set(r.item_id, (e = { scores: [], ratings: [] }));
    e.scores.push(s.score);
    if (s.rating !== undefined) e.ratings.push(s.rating);
  }
  const out = new Map<string, ItemScore>();
  for (const [id, e] of by) {
    const m = mean(e.scores);
    out.set(id, {
      mean: m, n: e.scores.length, variance: variance(e.scores), passed: m >= metric.threshold,
      rating: e.ratings.length ? e.ratings.slice().sort((a, b) => a - b)[Math.floor((e.ratings.length - 1) / 2)] : null,
    });
  }
  return out;
}

export interface ThresholdCheck {
  readonly kind: "mean" | "pass_rate";
  readonly min: number;
  readonly actual: number | null;
  readonly ok: boolean;
}

export interface MetricSummary extends MetricSpec {
  /** Items with at least one scored repeat. */
  readonly items: number;
  readonly scored: number;
  readonly undefined: number;
  readonly undefined_reasons: Readonly<Record<string, number>>;
  readonly errors: number;
  /** Mean over items of the per-item mean score; null when no item was scored. */
  readonly mean: number | null;
  /** Standard deviation of the per-item means (between-item spread). */
  readonly sd: number | null;
  /** Mean over items of the variance across repeats: the evaluator's own noise. Null with one repeat. */
  readonly repeat_variance: number | null;
  /** Share of scored items whose mean score reaches the per-item threshold. */
  readonly pass_rate: number | null;
  /** Pairwise judges: share of items where both orders agreed. */
  readonly consistency_rate?: number | null;
  readonly cost_usd: number;
  readonly checks: readonly ThresholdCheck[];
}

export interface RunSummary {
  readonly items: number;
  readonly repeats: number;
  readonly results: number;
  readonly target_errors: number;
  readonly cached_outputs: number;
  readonly cost_usd: number;
  readonly metrics: readonly MetricSummary[];
  /** Every configured threshold holds. */
  readonly passed: boolean;
}

export function summarize(
  results: readonly ItemResult[], metrics: readonly MetricSpec[], thresholds: Readonly<Record<string, { mean?: number; pass_rate?: number }>>, repeats: number,
): RunSummary {
  const summaries = metrics.map((m): MetricSummary => {
    let undef = 0;
    let errors = 0;
    let scored = 0;
    let cost = 0;
    let consistent = 0;
    let pairwise = 0;
    const reasons: Record<string, number> = {};
    for (const r of results) {
      const s = r.scores[m.name];
      if (!s) continue;
      cost += s.cost_usd ?? 0;
      if (s.status === "undefined") {
        undef++;
        reasons[s.reason] = (reasons[s.reason] ?? 0) + 1;
      } else if (s.status === "error") errors++;
      else {
        scored++;
        const c = s.details?.consistent;
        if (typeof c === "boolean") {
          pairwise++;
          if (c) consistent++;
        }
      }
    }
    const per = [...itemScores(results, m).values()];
    const means = per.map((p) => p.mean);
    const meanScore = means.length ? mean(means) : null;
    const passRate = per.length ? per.filter((p) => p.passed).length / per.length : null;
    const t = thresholds[m.name] ?? {};
    const checks: ThresholdCheck[] = [];
    if (t.mean !== undefined) checks.push({ kind: "mean", min: t.mean, actual: meanScore, ok: meanScore !== null && meanScore >= t.mean });
    if (t.pass_rate !== undefined) checks.push({ kind: "pass_rate", min: t.pass_rate, actual: passRate, ok: passRate !== null && passRate >= t.pass_rate });
    return {
      ...m, items: per.length, scored, undefined: undef, undefined_reasons: reasons, errors,
      mean: meanScore,
      sd: means.length > 1 ? Math.sqrt(variance(means)) : null,
      repeat_variance: repeats > 1 && per.length ? mean(per.map((p) => p.variance)) : null,
      pass_rate: passRate,
      ...(pairwise > 0 ? { consistency_rate: consistent / pairwise } : {}),
      cost_usd: cost,
      checks,
    };
  });
  return {
    items: new Set(results.map((r) => r.item_id)).size,
    repeats,
    results: results.length,
    target_errors: results.filter((r) => r.error !== null).length,
    cached_outputs: results.filter((r) => r.output?.cached).length,
    cost_usd: results.reduce((s, r) => s + r.cost_usd, 0),
    metrics: summaries,
    passed: summaries.every((s) => s.checks.every((c) => c.ok)),
  };
}
