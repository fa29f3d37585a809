import type { PgSql } from "../../store/postgres/pg-bridge.js";
import { affected, jsonParam, type PgSteps, runSteps } from "../pg-steps.js";
import type { IngestedSpan } from "./otlp-ingest.js";
import type { SpanStore } from "./span-store.js";

/** Deletes spans that started before `ts`, at most `limit` (all when undefined). */
export function deleteSpansSteps(ts: number, limit?: number): PgSteps<number> {
  return limit === undefined
    ? affected("DELETE FROM otel_spans WHERE start_ms < $1", [ts])
    : affected("DELETE FROM otel_spans WHERE (trace_id, span_id) IN (SELECT trace_id, span_id FROM otel_spans WHERE start_ms < $1 LIMIT $2)", [ts, limit]);
}

/** Application spans received over OTLP in PostgreSQL (the SQLite twin is sqlite-span-store.ts). */
export class PgSpanStore implements SpanStore {
  constructor(private readonly db: PgSql) {}

  insertBatch(spans: readonly IngestedSpan[]): void {
    if (spans.length === 0) return;
    // The last of a repeated (trace id, span id) wins, as INSERT OR REPLACE in order would have it.
    const last = new Map<string, IngestedSpan>();
    for (const s of spans) last.set(`${s.traceId}\u0000${s.spanId}`, s);
    const rows = [...last.values()].map((s) => ({ ...s, attributes: JSON.stringify(s.attributes) }));
    this.db.run(`INSERT INTO otel_spans (trace_id, span_id, parent_span_id, name, kind, start_ms, end_ms, status_code, service, attributes)
      SELECT "traceId", "spanId", "parentSpanId", name, kind, "startMs", "endMs", "statusCode", service, attributes
      FROM json_to_recordset($1::text::json) AS x("traceId" text, "spanId" text, "parentSpanId" text, name text, kind bigint,
        "startMs" float8, "endMs" float8, "statusCode" bigint, service text, attributes text)
      ON CONFLICT (trace_id, span_id) DO UPDATE SET parent_span_id = excluded.parent_span_id, name = excluded.name, kind = excluded.kind,
        start_ms = excluded.start_ms, end_ms = excluded.end_ms, status_code = excluded.status_code, service = excluded.service,
        attributes = excluded.attributes`, [jsonParam(rows)]);
  }

  byTrace(traceId: string): IngestedSpan[] {
    return this.db.all("SELECT * FROM otel_spans WHERE trace_id = $1 ORDER BY start_ms LIMIT 10000", [traceId]).map((r) => ({
      traceId: r.trace_id as string, spanId: r.span_id as string, parentSpanId: r.parent_span_id as string | null, name: r.name as string,
      kind: r.kind as number, startMs: r.start_ms as number, endMs: r.end_ms as number, statusCode: r.status_code as number,
      service: r.service as string | null, attributes: JSON.parse(r.attributes as string) as IngestedSpan["attributes"],
    }));
  }

  deleteBefore(ts: number): number {
    return runSteps(this.db, deleteSpansSteps(ts));
  }

  deleteBatchBefore(ts: number, limit: number): number {
    return runSteps(this.db, deleteSpansSteps(ts, limit));
  }
}
