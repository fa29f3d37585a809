import type { TraceRecord, TraceStore } from "./types.js";
import type { SqliteDb } from "../store/sqlite.js";
import type { GuardStatsQuery, GuardStatsRow, VerdictStore } from "./verdict-store.js";

/** One minute's counts for one scanner on one route: what the trigger-rate statistics read. */
interface Rollup {
  minute: number;
  route: string;
  scanner: string;
  screened: number;
  triggered: number;
  block: number;
  redact: number;
  flag: number;
  log: number;
  verdicts: number;
  latencySum: number;
  latencyMax: number;
}

const MINUTE = 60_000;

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
      const groups = new Map<string, Rollup>();
      for (const r of records) {
        if (!r.guard || r.guard.length === 0) continue;
        const minute = Math.floor(r.startedAt / MINUTE);
        const route = r.modelRequested ?? "";
        // A call counts once per scanner (screened, triggered) however many sources it screened.
        const seen = new Map<string, boolean>();
        for (const v of r.guard) {
          const key = `${minute}\u0000${route}\u0000${v.scanner}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { minute, route, scanner: v.scanner, screened: 0, triggered: 0, block: 0, redact: 0, flag: 0, log: 0, verdicts: 0, latencySum: 0, latencyMax: 0 }));
          const before = seen.get(v.scanner);
          if (before === undefined) g.screened++;
          if (v.triggered && !before) g.triggered++;
          seen.set(v.scanner, (before ?? false) || v.triggered);
          g.verdicts++;
          g.latencySum += v.latency_ms;
          if (v.latency_ms > g.latencyMax) g.latencyMax = v.latency_ms;
          if (v.triggered) {
            if (v.action === "block" || v.action === "redact" || v.action === "flag" || v.action === "log") g[v.action]++;
            insert.run(r.id, r.startedAt, route, r.keyId, r.feature, v.scanner, v.source, v.action, v.score, v.latency_ms);
          }
        }
      }
      for (const g of groups.values()) {
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
    return rows.map((r) => {
      const screened = Number(r.screened);
      const triggered = Number(r.triggered);
      return {
        scanner: String(r.scanner), route: String(r.route), screened, triggered,
        trigger_rate: screened ? Math.round((triggered / screened) * 10_000) / 10_000 : 0,
        actions: { block: Number(r.block), redact: Number(r.redact), flag: Number(r.flag), log: Number(r.log) },
        avg_latency_ms: Math.round(Number(r.avg_ms) * 1000) / 1000, max_latency_ms: Math.round(Number(r.max_ms) * 1000) / 1000,
      };
    });
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
