import type { TraceRecord } from "../types.js";
import { LogSketch } from "./log-sketch.js";

/**
 * The slices rollups keep, one dimension at a time (grouping sets, not a cross product: a cross
 * product of keys × features × prompt versions per minute is about one row per call). `all` is the
 * whole range. `user` is left out on purpose: it is unbounded, and summaries by user read the trace
 * rows (in the read worker) instead.
 */
export const ROLLUP_DIMS = ["all", "model", "route", "prompt_version", "key", "feature", "provider", "endpoint"] as const;
export type RollupDim = (typeof ROLLUP_DIMS)[number];

export type Grain = "minute" | "hour";
export const GRAIN_MS: Record<Grain, number> = { minute: 60_000, hour: 3_600_000 };

/** A NULL slice value (no feature, no prompt): primary-key columns cannot hold NULL. */
export const NULL_VALUE = "\u0000";

/** What summaries need of a set of calls: counts, sums and the three percentile sketches. */
export interface RollupAcc {
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  cacheHits: number;
  guardTriggers: number;
  latency: LogSketch;
  ttft: LogSketch;
  tps: LogSketch;
}

export function emptyAcc(): RollupAcc {
  return { requests: 0, errors: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, cacheHits: 0, guardTriggers: 0, latency: new LogSketch(), ttft: new LogSketch(), tps: new LogSketch() };
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

/** Adds one call; the per-call rules are summarize.ts's, so rollups and exact reads agree. */
export function addCall(a: RollupAcc, c: CallFacts): void {
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

export function mergeAcc(into: RollupAcc, a: RollupAcc): void {
  into.requests += a.requests;
  into.errors += a.errors;
  into.tokensIn += a.tokensIn;
  into.tokensOut += a.tokensOut;
  into.costUsd += a.costUsd;
  into.cacheHits += a.cacheHits;
  into.guardTriggers += a.guardTriggers;
  into.latency.merge(a.latency);
  into.ttft.merge(a.ttft);
  into.tps.merge(a.tps);
}

/** A guardrail acted on the call: a scanner triggered with an action other than `log`. */
export function guardTriggered(r: Pick<TraceRecord, "guard">): boolean {
  return !!r.guard && r.guard.some((v) => v.triggered && v.action !== "log");
}

/** The value of each rollup dimension for one record (summary-query.ts's SLICE_SQL, in JS). */
export function dimValues(r: TraceRecord): Record<RollupDim, string | null> {
  return {
    all: "",
    model: r.modelServed ?? r.modelRequested,
    route: r.modelRequested,
    prompt_version: r.promptName ? `${r.promptName}@v${r.promptVersion}` : null,
    key: r.keyId,
    feature: r.feature,
    provider: r.provider,
    endpoint: r.endpoint,
  };
}

export interface RollupGroup {
  grain: Grain;
  dim: RollupDim;
  bucket: number;
  value: string;
  acc: RollupAcc;
}

/** Pure: one batch of records → one accumulator per (grain, dimension, bucket, value). */
export function groupBatch(records: readonly TraceRecord[]): RollupGroup[] {
  const groups = new Map<string, RollupGroup>();
  for (const r of records) {
    const facts: CallFacts = { ...r, guardTriggered: guardTriggered(r) };
    const values = dimValues(r);
    for (const grain of ["minute", "hour"] as const) {
      const bucket = Math.floor(r.startedAt / GRAIN_MS[grain]);
      for (const dim of ROLLUP_DIMS) {
        const value = values[dim] ?? NULL_VALUE;
        const k = `${grain}\u0001${dim}\u0001${bucket}\u0001${value}`;
        let g = groups.get(k);
        if (!g) groups.set(k, (g = { grain, dim, bucket, value, acc: emptyAcc() }));
        addCall(g.acc, facts);
      }
    }
  }
  return [...groups.values()];
}
