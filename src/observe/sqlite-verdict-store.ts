import type { TraceRecord, TraceStore } from "./types.js";
import type { SqliteDb } from "../store/sqlite.js";
import type { GuardStatsQuery, GuardStatsRow, VerdictStore } from "./verdict-store.js";
import { groupVerdicts, guardStatsRow, MINUTE } from "./verdict-groups.js";

/**
 * Guardrail statistics, written with the trace batch, off the request path. Every call screens
 * with several scanners, and almost every verdict is "not triggered": storing each as a row cost
 * more than the trace itself. So counts are rolled up per minute, route and scanner in process
 * (one upsert per group per batch), and only triggered verdicts are kept as rows (migration 11),
 * for drill-downs. Statistics are therefore exact to the minute: a range starts and ends on the
 * minutes that contain its bounds.
 */
export class SqliteVerdictStore implements VerdictStore {
  private readonly writeBatch;
  private readonly deleteStmts;

  constructor(private readonly db: SqliteDb) {
    const insert = db.prepare(
      "INSERT INTO guard_verdicts (trace_id, started_at, route, key_id, feature, scanner, source, action, score, triggered, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
    );
    const upsert = db.prepare(`
      INSERT INTO guard_stats_minute (minute, route, scanner, screened, triggered, block, redact, flag, log, verdicts, latency_sum, latency_max)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (minute, route, scanner) DO UPDATE SET
        screened = screened + excluded.screened, triggered = triggered + excluded.triggered,
        block = block + excluded.block, redact = redact + excluded.redact, flag = flag + excluded.flag, log = log + excluded.log,
        verdicts = verdicts + excluded.verdicts, latency_sum = latency_sum + excluded.latency_sum,
        latency_max = max(latency_max, excluded.latency_max)`);
    this.writeBatch = db.transaction((records: readonly TraceRecord[]) => {
      const { minutes, triggered } = groupVerdicts(records);
      for (const v of triggered) insert.run(v.traceId, v.startedAt, v.route, v.keyId, v.feature, v.scanner, v.source, v.action, v.score, v.latencyMs);
      for (const g of minutes) {
        upsert.run(g.minute, g.route, g.scanner, g.screened, g.triggered, g.block, g.redact, g.flag, g.log, g.verdicts, g.latencySum, g.latencyMax);
      }
    });
    this.deleteStmts = [
      db.prepare("DELETE FROM guard_verdicts WHERE started_at < ?"),
      db.prepare("DELETE FROM guard_stats_minute WHERE minute < ?"),
      db.prepare("DELETE FROM guard_verdicts WHERE rowid IN (SELECT rowid FROM guard_verdicts WHERE started_at < ? LIMIT ?)"),
      db.prepare("DELETE FROM guard_stats_minute WHERE (minute, route, scanner) IN (SELECT minute, route, scanner FROM guard_stats_minute WHERE minute < ? LIMIT ?)"),
    ] as const;
  }

  insertFor(records: readonly TraceRecord[]): void {
    if (records.some((r) => r.guard && r.guard.length > 0)) this.writeBatch(records);
  }

  /** Drops triggered rows older than `ts`, and the minutes that ended before it. */
  deleteBefore(ts: number): number {
    const rows = this.deleteStmts[0].run(ts).changes;
    this.deleteStmts[1].run(Math.floor(ts / MINUTE));
    return rows;
  }

  /** Retention in bounded steps: at most `limit` triggered rows, then at most `limit` minute rows. */
  deleteBatchBefore(ts: number, limit: number): number {
    const rows = this.deleteStmts[2].run(ts, limit).changes;
    return rows + this.deleteStmts[3].run(Math.floor(ts / MINUTE), limit - rows).changes;
  }

  stats(q: GuardStatsQuery): GuardStatsRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.since !== undefined) { where.push("minute >= ?"); args.push(Math.floor(q.since / MINUTE)); }
    if (q.until !== undefined) { where.push("minute <= ?"); args.push(Math.floor((q.until - 1) / MINUTE)); }
    if (q.route) { where.push("route = ?"); args.push(q.route); }
    if (q.scanner) { where.push("scanner = ?"); args.push(q.scanner); }
    const sql = `SELECT scanner, route, SUM(screened) AS screened, SUM(triggered) AS triggered,
        SUM(block) AS block, SUM(redact) AS redact, SUM(flag) AS flag, SUM(log) AS log,
        SUM(latency_sum) / SUM(verdicts) AS avg_ms, MAX(latency_max) AS max_ms
      FROM guard_stats_minute ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      GROUP BY scanner, route ORDER BY route, scanner`;
    const rows = this.db.prepare(sql).all(...args) as Record<string, number | string>[];
    return rows.map(guardStatsRow);
  }
}

/**
 * A TraceStore that also writes each batch's guard verdicts and prunes them with the traces.
 * Delegates by prototype, so methods a TraceStore gains later pass through untouched.
 */
export function withGuardVerdicts(store: TraceStore, verdicts: VerdictStore): TraceStore {
  const wrapped = Object.create(store) as TraceStore;
  wrapped.insertBatch = (records) => {
    store.insertBatch(records);
    verdicts.insertFor(records);
  };
  wrapped.deleteBefore = (ts) => {
    verdicts.deleteBefore(ts);
    return store.deleteBefore(ts);
  };
  return wrapped;
}
