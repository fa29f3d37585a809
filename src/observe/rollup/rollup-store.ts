import type { TraceRecord } from "../types.js";
import type { Grain, RollupAcc, RollupDim } from "./rollup-groups.js";

export interface RollupSlice {
  bucket: number;
  value: string;
  acc: RollupAcc;
}

/**
 * Per-minute and per-hour rollups of the trace records, one dimension at a time, with percentile
 * sketches. `apply` is called by the trace store inside the write that inserts the same records,
 * so a rollup never counts a call the trace rows lack. The contract is `rollup-store.contract.ts`.
 */
export interface RollupStore {
  /** Adds the records (already inserted in the caller's transaction) to their minute and hour rows. */
  apply(records: readonly TraceRecord[]): void;
  /** Rows of one dimension with `from ≤ bucket < to` (bucket numbers of the grain), one value or all. */
  read(grain: Grain, dim: RollupDim, from: number, to: number, value?: string): RollupSlice[];
  /** Adds each row into the accumulator `accOf(value)` returns. */
  addTo(grain: Grain, dim: RollupDim, from: number, to: number, value: string | undefined, accOf: (value: string) => RollupAcc): void;
  /** Rollups are complete for calls that started at or after this (older ones await the backfill). */
  coveredFrom(): number;
  setCoveredFrom(ts: number): void;
  /** Deletes up to `limit` rows of buckets that ended before `ts`; returns how many. */
  pruneBefore(grain: Grain, ts: number, limit: number): number;
}
