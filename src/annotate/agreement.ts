import { bootstrapInterval, type Interval } from "../evals/stats/bootstrap.js";
import type { Estimate } from "../evals/stats/estimate.js";
import { cohensKappa, type KappaWeights, percentAgreement } from "../evals/stats/kappa.js";
import { type AlphaMetric, krippendorffAlpha } from "../evals/stats/krippendorff.js";
import { combine } from "./consensus.js";
import { numeric } from "./label-check.js";
import type { Dimension } from "./queue-schema.js";
import type { LabelRecord, QueueRecord } from "./types.js";

export interface DimensionAgreement {
  dimension: string;
  metric: AlphaMetric;
  /** Items with two or more labels on this dimension. */
  units: number;
  alpha: Estimate;
  alpha_ci: Interval | null;
}

export interface PairAgreement {
  a: string;
  b: string;
  dimension: string;
  /** Items both labelled. */
  n: number;
  weights: KappaWeights;
  kappa: Estimate;
  percent: Estimate;
}

export interface ReviewerAgreement {
  reviewer: string;
  expertise: string;
  dimension: string;
  /** Items the reviewer labelled that another expert also labelled. */
  n: number;
  /** Share of those where the reviewer's value is the other experts' consensus. */
  agreement: Estimate;
  kappa: Estimate;
}

export interface AgreementReport {
  queue: string;
  labels: number;
  dimensions: DimensionAgreement[];
  pairs: PairAgreement[];
  reviewers: ReviewerAgreement[];
  /** The lowest alpha over dimensions: what `min_agreement` is compared with; null when any is undefined. */
  overall: number | null;
  min_agreement: number | null;
  /** False when min_agreement is set and overall is below it or undefined. */
  meets_threshold: boolean;
}

export interface AgreementOptions {
  resamples?: number;
  seed?: number;
}

/** Nominal scales count any disagreement alike; ranges weigh it by distance (quadratic, as is usual for ordinal ratings). */
const WEIGHTS: Record<Dimension["scale"]["kind"], KappaWeights> = { nominal: "unweighted", ordinal: "quadratic", interval: "quadratic" };

/**
 * Agreement of a queue's labels, per rubric dimension: Krippendorff's alpha over every reviewer
 * (missing labels allowed) with a percentile-bootstrap CI over items, Cohen's kappa for every pair
 * of reviewers on the items both labelled, and each reviewer against the consensus of the *other*
 * experts (leave-one-out, so an expert is not compared with themselves).
 */
export function agreement(q: QueueRecord, labels: readonly LabelRecord[], o: AgreementOptions = {}): AgreementReport {
  const byItem = new Map<string, LabelRecord[]>();
  for (const l of labels) {
    let list = byItem.get(l.itemId);
    if (!list) byItem.set(l.itemId, (list = []));
    list.push(l);
  }
  const items = [...byItem.values()];
  const names = q.reviewers.map((r) => r.name);
  const dimensions: DimensionAgreement[] = [];
  const pairs: PairAgreement[] = [];
  const reviewers: ReviewerAgreement[] = [];
  for (const d of q.rubric.dimensions) {
    const metric: AlphaMetric = d.scale.kind;
    const value = (l: LabelRecord | undefined): number | null => (l && l.values[d.name] !== undefined ? numeric(d.scale, l.values[d.name]) : null);
    const units = items.map((ls) => names.map((n) => value(ls.find((l) => l.reviewer === n))));
    const pairable = units.filter((u) => u.filter((v) => v !== null).length >= 2);
    const alpha = krippendorffAlpha(pairable, metric);
    const ci = alpha.value === null ? null : bootstrapInterval(pairable.length, (idx) => krippendorffAlpha(Array.from(idx, (i) => pairable[i]), metric).value, { resamples: o.resamples ?? 1000, seed: o.seed ?? 1 });
    dimensions.push({ dimension: d.name, metric, units: pairable.length, alpha, alpha_ci: ci });
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const a: number[] = [];
        const b: number[] = [];
        for (const u of units) if (u[i] !== null && u[j] !== null) (a.push(u[i]!), b.push(u[j]!));
        if (a.length === 0) continue;
        pairs.push({ a: names[i], b: names[j], dimension: d.name, n: a.length, weights: WEIGHTS[d.scale.kind], kappa: cohensKappa(a, b, WEIGHTS[d.scale.kind]), percent: percentAgreement(a, b) });
      }
    }
    for (const r of q.reviewers) {
      const mine: number[] = [];
      const theirs: number[] = [];
      for (const ls of items) {
        const own = value(ls.find((l) => l.reviewer === r.name));
        if (own === null) continue;
        const others = ls.filter((l) => l.reviewer !== r.name && l.expertise === "expert").map(value).filter((v): v is number => v !== null);
        const c = combine(d, others);
        if (c === null) continue;
        mine.push(own);
        theirs.push(Math.round(c));
      }
      if (mine.length === 0) continue;
      reviewers.push({ reviewer: r.name, expertise: r.expertise, dimension: d.name, n: mine.length, agreement: percentAgreement(mine, theirs), kappa: cohensKappa(mine, theirs, WEIGHTS[d.scale.kind]) });
    }
  }
  const alphas = dimensions.map((d) => d.alpha.value);
  const overall = alphas.some((a) => a === null) ? null : Math.min(...(alphas as number[]));
  return {
    queue: q.name, labels: labels.length, dimensions, pairs, reviewers, overall,
    min_agreement: q.minAgreement,
    meets_threshold: q.minAgreement === null || (overall !== null && overall >= q.minAgreement),
  };
}
