import type { TraceRecord } from "./types.js";

export interface GuardStatsQuery {
  since?: number;
  until?: number;
  route?: string;
  scanner?: string;
}

export interface GuardStatsRow {
  scanner: string;
  route: string;
  screened: number;
  triggered: number;
  trigger_rate: number;
  actions: Record<string, number>;
  avg_latency_ms: number;
  max_latency_ms: number;
}

/**
 * Guardrail statistics written with each trace batch: per-minute counts per route and scanner,
 * and the triggered verdicts as rows. Exact to the minute. The contract is `verdict-store.contract.ts`.
 */
export interface VerdictStore {
  /** Adds the verdicts of a batch of traces (their `guard` lists) to the statistics. */
  insertFor(records: readonly TraceRecord[]): void;
  /** Drops triggered rows older than `ts`, and the minutes that ended before it. */
  deleteBefore(ts: number): number;
  /** Retention in bounded steps: at most `limit` triggered rows, then at most `limit` minute rows. */
  deleteBatchBefore(ts: number, limit: number): number;
  /** Trigger rates per scanner and route over the minutes containing [since, until). */
  stats(q: GuardStatsQuery): GuardStatsRow[];
}
