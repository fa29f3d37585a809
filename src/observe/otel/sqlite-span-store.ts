import type { SqliteDb } from "../../store/sqlite.js";
import type { IngestedSpan } from "./otlp-ingest.js";
import type { SpanStore } from "./span-store.js";

/** Application spans received over OTLP (table `otel_spans`, migration 7), by W3C trace id. */
export class SqliteSpanStore implements SpanStore {
  private readonly insertMany;
  private readonly byTraceStmt;
  private readonly deleteStmt;
  private readonly deleteBatchStmt;

  constructor(db: SqliteDb) {
    const insert = db.prepare("INSERT OR REPLACE INTO otel_spans (trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms, status_code, service, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.insertMany = db.transaction((spans: readonly IngestedSpan[]) => {
      for (const s of spans) insert.run(s.traceId, s.spanId, s.parentSpanId, s.name, s.kind, s.startMs, s.endMs, s.statusCode, s.service, JSON.stringify(s.attributes));
    });
    this.byTraceStmt = db.prepare("SELECT * FROM otel_spans WHERE trace_id = ? ORDER BY start_ms LIMIT 10000");
    this.deleteStmt = db.prepare("DELETE FROM otel_spans WHERE start_ms < ?");
    this.deleteBatchStmt = db.prepare("DELETE FROM otel_spans WHERE rowid IN (SELECT rowid FROM otel_spans WHERE start_ms < ? LIMIT ?)");
  }

  insertBatch(spans: readonly IngestedSpan[]): void {
    if (spans.length > 0) this.insertMany(spans);
  }

  byTrace(traceId: string): IngestedSpan[] {
    return (this.byTraceStmt.all(traceId) as Record<string, unknown>[]).map((r) => ({
      traceId: r.trace_id as string, spanId: r.span_id as string, parentSpanId: r.parent_span_id as string | null, name: r.name as string,
      kind: r.kind as number, startMs: r.start_ms as number, endMs: r.end_ms as number, statusCode: r.status_code as number,
      service: r.service as string | null, attributes: JSON.parse(r.attributes as string) as IngestedSpan["attributes"],
    }));
  }

  deleteBefore(ts: number): number {
    return this.deleteStmt.run(ts).changes;
  }

  /** Retention in bounded steps: at most `limit` spans older than `ts`. */
  deleteBatchBefore(ts: number, limit: number): number {
    return this.deleteBatchStmt.run(ts, limit).changes;
  }
}
