import type { ChangeEvent, SliceRef } from "./change-events.js";

/** How much one slice value regressed in the incident window, 0..1 relative to the worst. */
export interface SliceRegression {
  dim: SliceRef["dim"];
  value: string;
  current: number;
  baseline: number | null;
  samples: number;
  /** Badness normalised to the worst regressed slice (1) — 0 for slices that did not regress. */
  weight: number;
}

export interface RankedCause {
  event: ChangeEvent;
  score: number;
  /** 0..1: 1 at the moment the alert fired, halving every `halfLifeMs` before it. */
  proximity: number;
  /** The regressed slice this change touches, if any. */
  matched: SliceRegression | null;
  minutes_before: number;
}

/**
 * Pure: ranks change events as causes of an incident. Time proximity counts, but a change that
 * touches the slice which regressed (prompt v7, when the drop is confined to v7) outranks a
 * closer change that touches nothing that regressed.
 */
export function rankCauses(events: readonly ChangeEvent[], regressions: readonly SliceRegression[], firedAt: number, halfLifeMs: number): RankedCause[] {
  const byRef = new Map<string, SliceRegression>();
  for (const r of regressions) if (r.weight > 0) byRef.set(`${r.dim}\u0000${r.value}`, r);
  const out: RankedCause[] = [];
  for (const e of events) {
    if (e.at > firedAt) continue;
    const proximity = Math.pow(0.5, (firedAt - e.at) / halfLifeMs);
    let matched: SliceRegression | null = null;
    for (const s of e.slices) {
      const r = byRef.get(`${s.dim}\u0000${s.value}`);
      if (r && (!matched || r.weight > matched.weight)) matched = r;
    }
    const score = 0.35 * proximity + 0.65 * (matched?.weight ?? 0);
    out.push({ event: e, score: Math.round(score * 1000) / 1000, proximity: Math.round(proximity * 1000) / 1000, matched, minutes_before: Math.round((firedAt - e.at) / 600) / 100 });
  }
  return out.sort((a, b) => b.score - a.score || b.event.at - a.event.at);
}

/**
 * Pure: per-slice regression of one metric, as a raw weight (normalise with `normalizeWeights`). `bad` is +1 when higher is worse (error rate,
 * latency), −1 when lower is worse (scores). Slices without a baseline of their own (a new
 * prompt version) are compared with `reference` (the rule's threshold or overall baseline).
 */
export function sliceRegressions(
  dim: SliceRef["dim"],
  current: readonly { slice: string; value: number | null; samples: number }[],
  baseline: ReadonlyMap<string, number | null>,
  reference: number | null,
  bad: 1 | -1,
  minSamples: number,
): SliceRegression[] {
  const raw = current
    .filter((c) => c.value !== null && c.samples >= minSamples && c.slice !== "none")
    .map((c) => {
      const b = baseline.get(c.slice) ?? reference;
      const badness = b === null ? 0 : ((c.value as number) - b) * bad;
      return { dim, value: c.slice, current: c.value as number, baseline: b, samples: c.samples, badness };
    });
  return raw.map(({ badness, ...r }) => ({ ...r, weight: Math.max(0, badness) }));
}

/** Scales weights so the worst regression across every dimension is 1, worst first. */
export function normalizeWeights(rs: readonly SliceRegression[]): SliceRegression[] {
  const worst = Math.max(0, ...rs.map((r) => r.weight));
  return rs.map((r) => ({ ...r, weight: worst > 0 ? Math.round((r.weight / worst) * 1000) / 1000 : 0 })).sort((a, b) => b.weight - a.weight);
}
