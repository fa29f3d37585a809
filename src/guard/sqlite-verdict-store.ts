import type { TraceRecord, TraceStore } from "../observe/types.js";
import type { SqliteDb } from "../store/sqlite.js";

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
 * Guardrail verdicts as rows (migration 5), one per call, scanner and source, for trigger rates
 * per scanner and route. Written with the trace batch, off the request path.
 */
export class SqliteVerdictStore {
  private readonly insertMany;
  private readonly deleteStmt;

  constructor(private readonly db: SqliteDb) {
    const insert = db.prepare(
      "INSERT INTO guard_verdicts (trace_id, started_at, route, key_id, feature, scanner, source, action, score, triggered, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertMany = db.transaction((records: readonly TraceRecord[]) => {
      for (const r of records) {
        for (const v of r.guard ?? []) {
          insert.run(r.id, r.startedAt, r.modelRequested, r.keyId, r.feature, v.scanner, v.source, v.action, v.score, v.triggered ? 1 : 0, v.latency_ms);
        }
      }
    });
    this.deleteStmt = db.prepare("DELETE FROM guard_verdicts WHERE started_at < ?");
  }

  insertFor(records: readonly TraceRecord[]): void {
    if (records.some((r) => r.guard && r.guard.length > 0)) this.insertMany(records);
  }

  deleteBefore(ts: number): number {
    return this.deleteStmt.run(ts).changes;
  }

  stats(q: GuardStatsQuery): GuardStatsRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.since !== undefined) { where.push("started_at >= ?"); args.push(q.since); }
    if (q.until !== undefined) { where.push("started_at < ?"); args.push(q.until); }
    if (q.route) { where.push("route = ?"); args.push(q.route); }
    if (q.scanner) { where.push("scanner = ?"); args.push(q.scanner); }
    const sql = `SELECT scanner, route, COUNT(DISTINCT trace_id) AS screened,
        COUNT(DISTINCT CASE WHEN triggered = 1 THEN trace_id END) AS triggered,
        SUM(CASE WHEN triggered = 1 AND action = 'block' THEN 1 ELSE 0 END) AS block,
        SUM(CASE WHEN triggered = 1 AND action = 'redact' THEN 1 ELSE 0 END) AS redact,
        SUM(CASE WHEN triggered = 1 AND action = 'flag' THEN 1 ELSE 0 END) AS flag,
        SUM(CASE WHEN triggered = 1 AND action = 'log' THEN 1 ELSE 0 END) AS log,
        AVG(latency_ms) AS avg_ms, MAX(latency_ms) AS max_ms
      FROM guard_verdicts ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
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
export function withGuardVerdicts(store: TraceStore, verdicts: SqliteVerdictStore): TraceStore {
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
