import type { PgSql } from "../store/postgres/pg-bridge.js";
import { decodeCursor, encodeCursor } from "../store/cursor.js";
import { type PgSteps, rows, runSteps } from "./pg-steps.js";
import {
  dayOf, deleteTraceIdsSteps, deleteTracesSteps, partitionDdl, insertTraceSteps, isMissingPartition, isPartitionRace, traceFromRow,
} from "./pg-trace-rows.js";
import { applyRollupSteps } from "./rollup/pg-rollup-store.js";
import type { ServedModel, TraceCall, TraceFilter, TracePage, TraceRecord, TraceStore } from "./types.js";

/** Newest first (started, then id), filtered; the cursor continues after the page's last row. */
export function* listTracesSteps(f: TraceFilter): PgSteps<TracePage> {
  const where: string[] = [];
  const args: unknown[] = [];
  const arg = (v: unknown): string => `$${args.push(v)}`;
  if (f.since !== undefined) where.push(`started_at >= ${arg(f.since)}`);
  if (f.until !== undefined) where.push(`started_at < ${arg(f.until)}`);
  if (f.keyId) where.push(`key_id = ${arg(f.keyId)}`);
  if (f.model) { const m = arg(f.model); where.push(`(model_requested = ${m} OR model_served = ${m})`); }
  if (f.status) where.push(`status = ${arg(f.status)}`);
  if (f.feature) where.push(`feature = ${arg(f.feature)}`);
  if (f.user) where.push(`user_id = ${arg(f.user)}`);
  if (f.cursor) {
    const c = decodeCursor(f.cursor);
    // A row comparison: the (started_at, id) key walks backwards from the cursor.
    where.push(`(started_at, id COLLATE "C") < (${arg(c.t)}, ${arg(c.id)} COLLATE "C")`);
  }
  const sql = `SELECT * FROM traces ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY started_at DESC, id COLLATE "C" DESC LIMIT ${arg(f.limit + 1)}`;
  const found = yield* rows<Record<string, unknown>>(sql, args);
  const more = found.length > f.limit;
  const data = found.slice(0, f.limit).map(traceFromRow);
  const last = data.at(-1);
  return { data, nextCursor: more && last ? encodeCursor(last.startedAt, last.id) : null };
}

/** Records written in one batch: `insertTraceSteps` and the rollups of what it wrote. */
export function* writeTracesSteps(records: readonly TraceRecord[]): PgSteps<TraceRecord[]> {
  const inserted = yield* insertTraceSteps(records);
  yield* applyRollupSteps(inserted);
  return inserted;
}

/** The UTC days a batch touches whose partitions this process has not seen yet. */
export class PartitionCache {
  private readonly known = new Set<number>();

  missing(records: readonly TraceRecord[]): number[] {
    const days = new Set<number>();
    for (const r of records) {
      const d = dayOf(r.startedAt);
      if (!this.known.has(d)) days.add(d);
    }
    return [...days];
  }

  add(days: readonly number[]): void {
    for (const d of days) this.known.add(d);
  }

  /** Retention dropped partitions (here or on another instance): look again. */
  clear(): void {
    this.known.clear();
  }
}

/**
 * The trace rows in PostgreSQL (the SQLite twin is sqlite-trace-store.ts): `traces` partitioned by
 * UTC day, each day's partition created on first use, ids unique through `trace_ids`. Batches here
 * block (admin imports, tests); the gateway's batches go through `PgTraceWrites` without blocking.
 */
export class PgTraceStore implements TraceStore {
  private readonly partitions = new PartitionCache();

  constructor(private readonly db: PgSql) {}

  insertBatch(records: readonly TraceRecord[]): void {
    if (records.length === 0) return;
    try {
      this.write(records);
    } catch (err) {
      if (!isMissingPartition(err)) throw err;
      this.partitions.clear();
      this.write(records);
    }
  }

  private write(records: readonly TraceRecord[]): void {
    const days = this.partitions.missing(records);
    ensurePartitions(this.db, days);
    this.partitions.add(days);
    this.db.transaction((tx) => runSteps(tx, writeTracesSteps(records)));
  }

  list(f: TraceFilter): TracePage {
    return runSteps(this.db, listTracesSteps(f));
  }

  get(id: string): TraceRecord | undefined {
    // The initplan's day prunes the scan to one partition at run time.
    const row = this.db.get("SELECT * FROM traces WHERE started_at = (SELECT started_at FROM trace_ids WHERE id = $1) AND id = $1", [id]);
    return row ? traceFromRow(row) : undefined;
  }

  deleteBefore(ts: number): number {
    return this.db.transaction((tx) => {
      const n = runSteps(tx, deleteTracesSteps(ts));
      runSteps(tx, deleteTraceIdsSteps(ts));
      return n;
    });
  }

  endedSince(startedFrom: number, endedFrom: number, limit: number): { id: string; ended_at: number }[] {
    return this.db.all("SELECT id, ended_at FROM traces WHERE started_at >= $1 AND ended_at >= $2 ORDER BY ended_at, id COLLATE \"C\" LIMIT $3", [startedFrom, endedFrom, limit]);
  }

  servedModels(since: number, until: number): ServedModel[] {
    return this.db.all(`
      SELECT model_requested AS route, provider, model_served AS model, system_fingerprint AS fingerprint, min(started_at) AS first
      FROM traces WHERE started_at >= $1 AND started_at < $2 AND status = 'ok' AND model_served IS NOT NULL
      GROUP BY model_requested, provider, model_served, system_fingerprint ORDER BY first LIMIT 10000`, [since, until]);
  }

  callsInTrace(traceId: string): TraceCall[] {
    return this.db.all("SELECT id, started_at, endpoint, model_requested, model_served, status, latency_ms, parent_span_id FROM traces WHERE trace_id = $1 ORDER BY started_at LIMIT 1000", [traceId]);
  }
}

/** Creates the days' partitions, each in its own statement outside any transaction: a lost race is harmless. */
function ensurePartitions(db: PgSql, days: readonly number[]): void {
  for (const day of days) {
    try {
      db.run(partitionDdl(day));
    } catch (err) {
      if (!isPartitionRace(err)) throw err;
    }
  }
}
