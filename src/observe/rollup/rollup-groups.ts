import type { TraceRecord } from "../types.js";
import { type CallFacts, type Tally, tallyCall } from "../summary/summarize.js";
import { LogSketch } from "./log-sketch.js";

export type { CallFacts };

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
export type RollupAcc = Tally<LogSketch>;

export function emptyAcc(): RollupAcc {
  return { requests: 0, errors: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, cacheHits: 0, guardTriggers: 0, latency: new LogSketch(), ttft: new LogSketch(), tps: new LogSketch() };
}

/** Adds one call: summarize.ts's rule, so rollups and exact reads agree. */
export const addCall: (a: RollupAcc, c: CallFacts) => void = tallyCall;

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

/**
 * Pure: one batch of records → one accumulator per (grain, dimension, bucket, value). The ingest
 * path runs it on every batch, so it allocates little: one small facts object per record (not a
 * copy of the record) and, per grain and dimension, a map keyed by bucket and value.
 */
export function groupBatch(records: readonly TraceRecord[]): RollupGroup[] {
  const out: RollupGroup[] = [];
  const maps = new Map<string, Map<string, RollupGroup>>();
  for (const grain of ["minute", "hour"] as const) for (const dim of ROLLUP_DIMS) maps.set(`${grain}\u0001${dim}`, new Map());
  const byGrainDim = [...maps.values()];
  for (const r of records) {
    const facts: CallFacts = {
      status: r.status, endpoint: r.endpoint, latencyMs: r.latencyMs, ttftMs: r.ttftMs, tokensIn: r.tokensIn, tokensOut: r.tokensOut,
      tokensCached: r.tokensCached, costUsd: r.costUsd, guardTriggered: guardTriggered(r),
    };
    const values = dimValues(r);
    let m = 0;
    for (const grain of ["minute", "hour"] as const) {
      const bucket = Math.floor(r.startedAt / GRAIN_MS[grain]);
      for (const dim of ROLLUP_DIMS) {
        const value = values[dim] ?? NULL_VALUE;
        const groups = byGrainDim[m++];
        const k = `${bucket}\u0001${value}`;
        let g = groups.get(k);
        if (!g) {
          groups.set(k, (g = { grain, dim, bucket, value, acc: emptyAcc() }));
          out.push(g);
        }
        addCall(g.acc, facts);
      }
    }
  }
  return out;
}
