import { percentiles, Samples } from "./percentile.js";

/** One call as the summary reads it (a projection of a trace row). */
export interface SummaryRow {
  slice: string | null;
  /** `cancelled` (client hung up) counts as neither an error nor a served answer. */
  status: "ok" | "error" | "cancelled";
  endpoint: string;
  latencyMs: number;
  ttftMs: number | null;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: number;
  guardTriggered: boolean;
}

/** Mean of one eval score (or user feedback) over the calls of a slice. */
export interface ScoreRow {
  slice: string | null;
  name: string;
  source: string;
  mean: number;
  n: number;
}

export interface SliceSummary {
  slice: string;
  requests: number;
  errors: number;
  error_rate: number;
  latency_ms: { p50: number | null; p95: number | null };
  ttft_ms: { p50: number | null; p95: number | null };
  /** Median over successful chat calls of output tokens / (latency − TTFT), TTFT 0 when unknown. */
  tokens_per_s_p50: number | null;
  tokens_in_per_request: number;
  tokens_out_per_request: number;
  /** Totals over the slice's calls. */
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  cost_usd_per_request: number;
  /** Share of calls that read provider-cached prompt tokens. */
  cache_hit_rate: number;
  /** Share of calls where a guardrail scanner triggered with an action other than `log`. */
  guard_trigger_rate: number;
  /** Calls that read cached prompt tokens, and calls a guardrail acted on (counts behind the rates). */
  cache_hits: number;
  guard_triggers: number;
  /** Eval scores by name (online judges, offline runs attached to traces). */
  scores: Record<string, { mean: number; n: number }>;
  /** User feedback (thumbs and scores, 0–1). */
  feedback: { mean: number; n: number } | null;
}

/** The projection of one call that summaries read: the same facts from a record or a trace row. */
export interface CallFacts {
  status: string;
  endpoint: string;
  latencyMs: number;
  ttftMs: number | null;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: number;
  guardTriggered: boolean;
}

/** A slice's running totals; `S` holds values for percentiles (exact samples, or a rollup's sketch). */
export interface Tally<S extends { add(v: number): void }> extends SliceTotals {
  latency: S;
  ttft: S;
  tps: S;
}

/** Adds one call: the one per-call rule, shared by exact reads and rollups so both agree. */
export function tallyCall<S extends { add(v: number): void }>(a: Tally<S>, c: CallFacts): void {
  a.requests++;
  if (c.status === "error") a.errors++;
  a.latency.add(c.latencyMs);
  if (c.ttftMs !== null) a.ttft.add(c.ttftMs);
  if (c.status === "ok" && c.endpoint === "chat" && c.tokensOut > 0) {
    const genMs = c.latencyMs - (c.ttftMs ?? 0);
    if (genMs > 0) a.tps.add(c.tokensOut / (genMs / 1000));
  }
  a.tokensIn += c.tokensIn;
  a.tokensOut += c.tokensOut;
  a.costUsd += c.costUsd;
  if (c.tokensCached > 0) a.cacheHits++;
  if (c.guardTriggered) a.guardTriggers++;
}

export const NONE = "none";

/** Pure: rows in, one summary per slice out, busiest slice first. One pass plus one sort per percentile set. */
export function summarize(rows: Iterable<SummaryRow>, scores: readonly ScoreRow[] = []): SliceSummary[] {
  const by = new Map<string, Tally<Samples>>();
  for (const r of rows) {
    const k = r.slice ?? NONE;
    let a = by.get(k);
    if (!a) by.set(k, (a = { requests: 0, errors: 0, latency: new Samples(), ttft: new Samples(), tps: new Samples(), tokensIn: 0, tokensOut: 0, costUsd: 0, cacheHits: 0, guardTriggers: 0 }));
    tallyCall(a, r);
  }
  const out: SliceSummary[] = [];
  for (const [slice, a] of by) {
    const [l50, l95] = percentiles(a.latency.view(), [0.5, 0.95]);
    const [t50, t95] = percentiles(a.ttft.view(), [0.5, 0.95]);
    const [tps] = percentiles(a.tps.view(), [0.5]);
    out.push(sliceSummary(slice, a, [l50, l95, t50, t95, tps]));
  }
  return withScores(out, scores);
}

/** Counts and sums of one slice, whichever way they were gathered (rows or rollups). */
export interface SliceTotals {
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  cacheHits: number;
  guardTriggers: number;
}

/** One slice's answer from its totals and [latency p50, p95, TTFT p50, p95, tokens/s p50]. */
export function sliceSummary(slice: string, a: SliceTotals, p: readonly (number | null)[]): SliceSummary {
  const [l50, l95, t50, t95, tps] = p;
  return {
    slice, requests: a.requests, errors: a.errors, error_rate: a.errors / a.requests,
    latency_ms: { p50: r3(l50), p95: r3(l95) }, ttft_ms: { p50: r3(t50), p95: r3(t95) }, tokens_per_s_p50: r3(tps),
    tokens_in_per_request: r3(a.tokensIn / a.requests)!, tokens_out_per_request: r3(a.tokensOut / a.requests)!,
    tokens_in: a.tokensIn, tokens_out: a.tokensOut, cost_usd: a.costUsd, cost_usd_per_request: a.costUsd / a.requests,
    cache_hit_rate: a.cacheHits / a.requests, guard_trigger_rate: a.guardTriggers / a.requests,
    cache_hits: a.cacheHits, guard_triggers: a.guardTriggers, scores: {}, feedback: null,
  };
}

/** Joins score means onto their slices and orders the slices busiest first. */
export function withScores(out: SliceSummary[], scores: readonly ScoreRow[]): SliceSummary[] {
  const index = new Map(out.map((s) => [s.slice, s]));
  for (const s of scores) {
    const target = index.get(s.slice ?? NONE);
    if (!target) continue;
    if (s.source === "feedback") target.feedback = { mean: s.mean, n: s.n };
    else target.scores[s.name] = { mean: s.mean, n: s.n };
  }
  return out.sort((x, y) => y.requests - x.requests || (x.slice < y.slice ? -1 : 1));
}

function r3(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 1000;
}
