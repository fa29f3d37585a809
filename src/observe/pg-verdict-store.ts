import type { PgSql } from "../store/postgres/pg-bridge.js";
import { affected, jsonParam, type PgSteps, runSteps } from "./pg-steps.js";
import type { TraceRecord } from "./types.js";
import { groupVerdicts, guardStatsRow, MINUTE } from "./verdict-groups.js";
import type { GuardStatsQuery, GuardStatsRow, VerdictStore } from "./verdict-store.js";

/**
 * A batch's verdicts: the triggered rows in one multi-row insert, the minute counts in one upsert
 * that adds in SQL (instances writing the same minute at once add up).
 */
export function* insertVerdictSteps(records: readonly TraceRecord[]): PgSteps<void> {
  const { minutes, triggered } = groupVerdicts(records);
  if (triggered.length > 0) {
    yield* affected(`INSERT INTO guard_verdicts (trace_id, started_at, route, key_id, feature, scanner, source, action, score, triggered, latency_ms)
      SELECT "traceId", "startedAt", route, "keyId", feature, scanner, source, action, score, true, "latencyMs"
      FROM json_to_recordset($1::text::json) AS x("traceId" text, "startedAt" bigint, route text, "keyId" text, feature text, scanner text,
        source text, action text, score float8, "latencyMs" float8)`, [jsonParam(triggered)]);
  }
  if (minutes.length > 0) {
    const sorted = [...minutes].sort((a, b) => a.minute - b.minute || (a.route < b.route ? -1 : a.route > b.route ? 1 : a.scanner < b.scanner ? -1 : a.scanner > b.scanner ? 1 : 0));
    yield* affected(`INSERT INTO guard_stats_minute AS g (minute, route, scanner, screened, triggered, block, redact, flag, log, verdicts, latency_sum, latency_max)
      SELECT minute, route, scanner, screened, triggered, block, redact, flag, log, verdicts, "latencySum", "latencyMax"
      FROM json_to_recordset($1::text::json) AS x(minute bigint, route text, scanner text, screened bigint, triggered bigint, block bigint,
        redact bigint, flag bigint, log bigint, verdicts bigint, "latencySum" float8, "latencyMax" float8)
      ON CONFLICT (minute, route, scanner) DO UPDATE SET
        screened = g.screened + excluded.screened, triggered = g.triggered + excluded.triggered,
        block = g.block + excluded.block, redact = g.redact + excluded.redact, flag = g.flag + excluded.flag, log = g.log + excluded.log,
        verdicts = g.verdicts + excluded.verdicts, latency_sum = g.latency_sum + excluded.latency_sum,
        latency_max = GREATEST(g.latency_max, excluded.latency_max)`, [jsonParam(sorted)]);
  }
}

/** Retention in bounded steps: at most `limit` triggered rows, then at most `limit` minute rows. */
export function* deleteVerdictsSteps(ts: number, limit?: number): PgSteps<number> {
  const minute = Math.floor(ts / MINUTE);
  if (limit === undefined) {
    const n = yield* affected("DELETE FROM guard_verdicts WHERE started_at < $1", [ts]);
    yield* affected("DELETE FROM guard_stats_minute WHERE minute < $1", [minute]);
    return n;
  }
  const n = yield* affected("DELETE FROM guard_verdicts WHERE ctid = ANY(ARRAY(SELECT ctid FROM guard_verdicts WHERE started_at < $1 LIMIT $2))", [ts, limit]);
  if (limit - n <= 0) return n;
  return n + (yield* affected(
    "DELETE FROM guard_stats_minute WHERE (minute, route, scanner) IN (SELECT minute, route, scanner FROM guard_stats_minute WHERE minute < $1 LIMIT $2)", [minute, limit - n]));
}

/** Guardrail statistics in PostgreSQL (the SQLite twin, and why they are minute rollups: sqlite-verdict-store.ts). */
export class PgVerdictStore implements VerdictStore {
  constructor(private readonly db: PgSql) {}

  insertFor(records: readonly TraceRecord[]): void {
    if (records.some((r) => r.guard && r.guard.length > 0)) this.db.transaction((tx) => runSteps(tx, insertVerdictSteps(records)));
  }

  deleteBefore(ts: number): number {
    return this.db.transaction((tx) => runSteps(tx, deleteVerdictsSteps(ts)));
  }

  deleteBatchBefore(ts: number, limit: number): number {
    return runSteps(this.db, deleteVerdictsSteps(ts, limit));
  }

  stats(q: GuardStatsQuery): GuardStatsRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown): string => `$${args.push(v)}`;
    if (q.since !== undefined) where.push(`minute >= ${arg(Math.floor(q.since / MINUTE))}`);
    if (q.until !== undefined) where.push(`minute <= ${arg(Math.floor((q.until - 1) / MINUTE))}`);
    if (q.route) where.push(`route = ${arg(q.route)}`);
    if (q.scanner) where.push(`scanner = ${arg(q.scanner)}`);
    const rows = this.db.all(`SELECT scanner, route, SUM(screened) AS screened, SUM(triggered) AS triggered,
        SUM(block) AS block, SUM(redact) AS redact, SUM(flag) AS flag, SUM(log) AS log,
        SUM(latency_sum) / SUM(verdicts) AS avg_ms, MAX(latency_max) AS max_ms
      FROM guard_stats_minute ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      GROUP BY scanner, route ORDER BY route COLLATE "C", scanner COLLATE "C"`, args);
    return rows.map(guardStatsRow);
  }
}
