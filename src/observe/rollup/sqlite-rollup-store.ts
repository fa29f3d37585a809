import type { SqliteDb } from "../../store/sqlite.js";
import type { TraceRecord } from "../types.js";
import { LogSketch } from "./log-sketch.js";
import type { RollupSlice, RollupStore } from "./rollup-store.js";
import { emptyAcc, type Grain, GRAIN_MS, groupBatch, type RollupAcc, type RollupDim, ROLLUP_DIMS } from "./rollup-groups.js";

const TABLE: Record<Grain, string> = { minute: "trace_rollup_minute", hour: "trace_rollup_hour" };

interface RollupRow {
  bucket: number;
  value: string;
  requests: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  cache_hits: number;
  guard_triggers: number;
  latency: Buffer;
  ttft: Buffer;
  tps: Buffer;
}

/**
 * Per-minute and per-hour rollups of the trace table (migration 13). `apply` must run inside the
 * transaction that inserts the same records, so a rollup never counts a call the table lacks or
 * misses one it has. Reads return decoded accumulators; callers merge them.
 */
export class SqliteRollupStore implements RollupStore {
  private readonly stmts;

  constructor(private readonly db: SqliteDb) {
    const per = (grain: Grain) => ({
      get: db.prepare(`SELECT * FROM ${TABLE[grain]} WHERE dim = ? AND bucket = ? AND value = ?`),
      put: db.prepare(`INSERT OR REPLACE INTO ${TABLE[grain]}
        (dim, bucket, value, requests, errors, tokens_in, tokens_out, cost_usd, cache_hits, guard_triggers, latency, ttft, tps)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      range: db.prepare(`SELECT * FROM ${TABLE[grain]} WHERE dim = ? AND bucket >= ? AND bucket < ?`),
      rangeValue: db.prepare(`SELECT * FROM ${TABLE[grain]} WHERE dim = ? AND bucket >= ? AND bucket < ? AND value = ?`),
      // WITHOUT ROWID: the step is bounded by primary key, one dimension at a time (each an index range).
      prune: db.prepare(`DELETE FROM ${TABLE[grain]} WHERE (dim, bucket, value) IN
        (SELECT dim, bucket, value FROM ${TABLE[grain]} WHERE dim = ? AND bucket < ? LIMIT ?)`),
    });
    this.stmts = {
      minute: per("minute"), hour: per("hour"),
      covered: db.prepare("SELECT covered_from FROM trace_rollup_state WHERE id = 1").pluck(),
      setCovered: db.prepare("UPDATE trace_rollup_state SET covered_from = ? WHERE id = 1"),
    };
  }

  /** Adds the records (already inserted in the caller's transaction) to their minute and hour rows. */
  apply(records: readonly TraceRecord[]): void {
    if (records.length === 0) return;
    for (const g of groupBatch(records)) {
      const s = this.stmts[g.grain];
      const existing = s.get.get(g.dim, g.bucket, g.value) as RollupRow | undefined;
      const acc = g.acc;
      if (existing) fromRow(existing, acc);
      s.put.run(g.dim, g.bucket, g.value, acc.requests, acc.errors, acc.tokensIn, acc.tokensOut, acc.costUsd, acc.cacheHits,
        acc.guardTriggers, acc.latency.encode(), acc.ttft.encode(), acc.tps.encode());
    }
  }

  /** Rows of one dimension with `from ≤ bucket < to` (bucket numbers of the grain), one value or all. */
  read(grain: Grain, dim: RollupDim, from: number, to: number, value?: string): RollupSlice[] {
    const out: RollupSlice[] = [];
    this.readInto(grain, dim, from, to, value, (r) => out.push({ bucket: r.bucket, value: r.value, acc: fromRow(r) }));
    return out;
  }

  /** Adds each row into the accumulator `accOf(value)` returns, decoding straight into it. */
  addTo(grain: Grain, dim: RollupDim, from: number, to: number, value: string | undefined, accOf: (value: string) => RollupAcc): void {
    this.readInto(grain, dim, from, to, value, (r) => fromRow(r, accOf(r.value)));
  }

  private readInto(grain: Grain, dim: RollupDim, from: number, to: number, value: string | undefined, each: (r: RollupRow) => void): void {
    if (!(to > from)) return;
    const s = this.stmts[grain];
    const rows = (value === undefined ? s.range.iterate(dim, from, to) : s.rangeValue.iterate(dim, from, to, value)) as IterableIterator<RollupRow>;
    for (const r of rows) each(r);
  }

  /** Rollups are complete for calls that started at or after this (older ones await the backfill). */
  coveredFrom(): number {
    return (this.stmts.covered.get() as number | undefined) ?? 0;
  }

  setCoveredFrom(ts: number): void {
    this.stmts.setCovered.run(ts);
  }

  /** Deletes up to `limit` rows of buckets that ended before `ts`; returns how many. */
  pruneBefore(grain: Grain, ts: number, limit: number): number {
    const bucket = Math.floor(ts / GRAIN_MS[grain]);
    let left = limit;
    for (const dim of ROLLUP_DIMS) {
      if (left <= 0) break;
      left -= this.stmts[grain].prune.run(dim, bucket, left).changes;
    }
    return limit - left;
  }
}

function fromRow(r: RollupRow, a = emptyAcc()): RollupAcc {
  a.requests += r.requests;
  a.errors += r.errors;
  a.tokensIn += r.tokens_in;
  a.tokensOut += r.tokens_out;
  a.costUsd += r.cost_usd;
  a.cacheHits += r.cache_hits;
  a.guardTriggers += r.guard_triggers;
  LogSketch.decode(r.latency, a.latency);
  LogSketch.decode(r.ttft, a.ttft);
  LogSketch.decode(r.tps, a.tps);
  return a;
}
