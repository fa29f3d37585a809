import type { SqliteDb } from "../store/sqlite.js";
import type { ServedModel, TraceCall, TraceFilter, TracePage, TraceRecord, TraceStore } from "./types.js";
import { decodeCursor, encodeCursor } from "../store/cursor.js";
import { packJson, unpackJson } from "./packed-json.js";
import { guardTriggered } from "./rollup/rollup-groups.js";
import { SqliteRollupStore } from "./rollup/sqlite-rollup-store.js";

const COLUMNS = [
  "id", "started_at", "ended_at", "endpoint", "key_id", "user_id", "feature", "model_requested", "model_served", "provider",
  "status", "http_status", "error_code", "error_message", "latency_ms", "ttft_ms", "tokens_in", "tokens_out", "tokens_cached",
  "usage_source", "cost_usd", "stream", "trace_id", "parent_span_id", "metadata", "request_body", "response_body",
  "target", "attempts", "prompt_name", "prompt_version", "prompt_label", "guard", "system_fingerprint", "guard_triggered",
  "pii_kept", "surface",
] as const;

type Row = Record<(typeof COLUMNS)[number], unknown>;

export class SqliteTraceStore implements TraceStore {
  private readonly insertMany;
  private readonly getStmt;
  private readonly deleteStmt;
  private readonly deleteBatchStmt;
  private readonly backfillStmts;
  private readonly readStmts;
  private readonly rollups;

  constructor(private readonly db: SqliteDb) {
    const insert = db.prepare(`INSERT OR IGNORE INTO traces (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`);
    const rollups = (this.rollups = new SqliteRollupStore(db));
    // Rollups count exactly the rows this transaction inserted (a duplicate id is ignored by both).
    this.insertMany = db.transaction((records: readonly TraceRecord[]) => {
      const inserted: TraceRecord[] = [];
      for (const r of records) if (insert.run(toRow(r)).changes === 1) inserted.push(r);
      rollups.apply(inserted);
    });
    this.getStmt = db.prepare("SELECT * FROM traces WHERE id = ?");
    this.deleteStmt = db.prepare("DELETE FROM traces WHERE started_at < ?");
    this.deleteBatchStmt = db.prepare("DELETE FROM traces WHERE rowid IN (SELECT rowid FROM traces WHERE started_at < ? ORDER BY started_at LIMIT ?)");
    this.readStmts = {
      endedSince: db.prepare("SELECT id, ended_at FROM traces WHERE started_at >= ? AND ended_at >= ? ORDER BY ended_at, id LIMIT ?"),
      servedModels: db.prepare(`
        SELECT model_requested AS route, provider, model_served AS model, system_fingerprint AS fingerprint, min(started_at) AS first
        FROM traces WHERE started_at >= ? AND started_at < ? AND status = 'ok' AND model_served IS NOT NULL
        GROUP BY model_requested, provider, model_served, system_fingerprint ORDER BY first LIMIT 10000`),
      callsInTrace: db.prepare("SELECT id, started_at, endpoint, model_requested, model_served, status, latency_ms, parent_span_id FROM traces WHERE trace_id = ? ORDER BY started_at LIMIT 1000"),
    };
    this.backfillStmts = {
      edge: db.prepare("SELECT started_at FROM traces WHERE started_at < ? ORDER BY started_at DESC LIMIT 1 OFFSET ?").pluck(),
      rows: db.prepare("SELECT * FROM traces WHERE started_at >= ? AND started_at < ?"),
    };
  }

  insertBatch(records: readonly TraceRecord[]): void {
    if (records.length > 0) this.insertMany(records);
  }

  list(f: TraceFilter): TracePage {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.since !== undefined) { where.push("started_at >= ?"); args.push(f.since); }
    if (f.until !== undefined) { where.push("started_at < ?"); args.push(f.until); }
    if (f.keyId) { where.push("key_id = ?"); args.push(f.keyId); }
    if (f.model) { where.push("(model_requested = ? OR model_served = ?)"); args.push(f.model, f.model); }
    if (f.status) { where.push("status = ?"); args.push(f.status); }
    if (f.feature) { where.push("feature = ?"); args.push(f.feature); }
    if (f.user) { where.push("user_id = ?"); args.push(f.user); }
    if (f.cursor) {
      const c = decodeCursor(f.cursor);
      where.push("(started_at < ? OR (started_at = ? AND id < ?))");
      args.push(c.t, c.t, c.id);
    }
    const sql = `SELECT * FROM traces ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY started_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, f.limit + 1) as Row[];
    const more = rows.length > f.limit;
    const data = rows.slice(0, f.limit).map(fromRow);
    const last = data.at(-1);
    return { data, nextCursor: more && last ? encodeCursor(last.startedAt, last.id) : null };
  }

  get(id: string): TraceRecord | undefined {
    const row = this.getStmt.get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  deleteBefore(ts: number): number {
    return this.deleteStmt.run(ts).changes;
  }

  endedSince(startedFrom: number, endedFrom: number, limit: number): { id: string; ended_at: number }[] {
    return this.readStmts.endedSince.all(startedFrom, endedFrom, limit) as { id: string; ended_at: number }[];
  }

  servedModels(since: number, until: number): ServedModel[] {
    return this.readStmts.servedModels.all(since, until) as ServedModel[];
  }

  callsInTrace(traceId: string): TraceCall[] {
    return this.readStmts.callsInTrace.all(traceId) as TraceCall[];
  }

  /** Retention in bounded steps: deletes at most `limit` of the oldest rows before `ts`. */
  deleteBatchBefore(ts: number, limit: number): number {
    return this.deleteBatchStmt.run(ts, limit).changes;
  }

  /**
   * Rolls up about `limit` rows older than the rollups' coverage (rows stored before migration 13),
   * newest first, whole milliseconds at a time so no call is counted twice or skipped; moves the
   * coverage back over them in the same transaction. Returns false once nothing is left.
   */
  backfillStep(limit: number): boolean {
    return this.db.transaction(() => {
      const covered = this.rollups.coveredFrom();
      if (covered <= 0) return false;
      const edge = this.backfillStmts.edge.get(covered, limit - 1) as number | undefined;
      const from = edge ?? Number.MIN_SAFE_INTEGER;
      const rows = this.backfillStmts.rows.all(from, covered) as Row[];
      this.rollups.apply(rows.map(fromRow));
      // Past the oldest row everything is covered: 0 lets any range use the rollups.
      this.rollups.setCoveredFrom(edge === undefined ? 0 : edge);
      return edge !== undefined;
    })();
  }
}

function toRow(r: TraceRecord): unknown[] {
  return [
    r.id, r.startedAt, r.endedAt, r.endpoint, r.keyId, r.user, r.feature, r.modelRequested, r.modelServed, r.provider,
    r.status, r.httpStatus, r.errorCode, r.errorMessage, r.latencyMs, r.ttftMs, r.tokensIn, r.tokensOut, r.tokensCached,
    r.usageSource, r.costUsd, r.stream ? 1 : 0, r.traceId, r.parentSpanId, JSON.stringify(r.metadata), packJson(r.requestBody), packJson(r.responseBody),
    r.target, packJson(JSON.stringify(r.attempts)), r.promptName ?? null, r.promptVersion ?? null, r.promptLabel ?? null,
    r.guard && r.guard.length > 0 ? packJson(JSON.stringify(r.guard)) : null, r.systemFingerprint ?? null, guardTriggered(r) ? 1 : 0,
    r.piiKept ? 1 : 0, r.surface ?? null,
  ];
}

function fromRow(r: Row): TraceRecord {
  return {
    id: r.id as string, startedAt: r.started_at as number, endedAt: r.ended_at as number,
    endpoint: r.endpoint as TraceRecord["endpoint"], keyId: r.key_id as string | null, user: r.user_id as string | null,
    feature: r.feature as string | null, modelRequested: r.model_requested as string, modelServed: r.model_served as string | null,
    provider: r.provider as string | null, status: r.status as TraceRecord["status"], httpStatus: r.http_status as number,
    errorCode: r.error_code as string | null, errorMessage: r.error_message as string | null, latencyMs: r.latency_ms as number,
    ttftMs: r.ttft_ms as number | null, tokensIn: r.tokens_in as number, tokensOut: r.tokens_out as number,
    tokensCached: r.tokens_cached as number, usageSource: r.usage_source as TraceRecord["usageSource"], costUsd: r.cost_usd as number,
    stream: r.stream === 1, traceId: r.trace_id as string | null, parentSpanId: r.parent_span_id as string | null,
    metadata: JSON.parse(r.metadata as string) as Record<string, string>,
    requestBody: unpackJson(r.request_body), responseBody: unpackJson(r.response_body),
    target: r.target as string | null, attempts: JSON.parse(unpackJson(r.attempts)!) as TraceRecord["attempts"],
    promptName: r.prompt_name as string | null, promptVersion: r.prompt_version as number | null, promptLabel: r.prompt_label as string | null,
    guard: r.guard === null || r.guard === undefined ? null : (JSON.parse(unpackJson(r.guard)!) as TraceRecord["guard"]),
    systemFingerprint: (r.system_fingerprint as string | null | undefined) ?? null,
    piiKept: r.pii_kept === 1,
    surface: (r.surface as string | null | undefined) ?? null,
  };
}
