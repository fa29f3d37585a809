import { PgQueryError } from "../store/postgres/pg-bridge.js";
import { affected, copyField, copyIn, jsonParam, type PgSteps, rows } from "./pg-steps.js";
import { guardTriggered } from "./rollup/rollup-groups.js";
import type { TraceRecord } from "./types.js";

/** The `traces` columns, in the order `copyLine` writes them. */
const COLUMNS = [
  "id", "started_at", "ended_at", "endpoint", "surface", "key_id", "user_id", "feature", "model_requested", "model_served", "provider",
  "status", "http_status", "error_code", "error_message", "latency_ms", "ttft_ms", "tokens_in", "tokens_out", "tokens_cached", "usage_source",
  "cost_usd", "stream", "trace_id", "parent_span_id", "metadata", "request_body", "response_body", "target", "attempts", "prompt_name",
  "prompt_version", "prompt_label", "guard", "system_fingerprint", "guard_triggered", "pii_kept",
] as const;

/** Ids new to `trace_ids` are claimed (a repeated id, from an earlier batch or another instance, is not); returns them. */
const CLAIM = `INSERT INTO trace_ids (id, started_at) SELECT id, started_at FROM json_to_recordset($1::text::json) AS x(id text, started_at bigint)
  ON CONFLICT DO NOTHING RETURNING id`;

/** The claimed rows, streamed into the parent table: PostgreSQL routes each to its day's partition. */
const COPY = `COPY traces (${COLUMNS.join(", ")}) FROM STDIN`;

const DAY = 86_400_000;

/**
 * Inserts the records (their days' partitions exist); returns those that were new, first of each
 * id. Two statements: the ids claimed in `trace_ids` (small: id and time), then the claimed rows
 * by COPY — no JSON to parse and no plan for the wide rows.
 */
export function* insertTraceSteps(records: readonly TraceRecord[]): PgSteps<TraceRecord[]> {
  const first = new Map<string, TraceRecord>();
  for (const r of records) if (!first.has(r.id)) first.set(r.id, r);
  if (first.size === 0) return [];
  const ids: { id: string; started_at: number }[] = [];
  for (const r of first.values()) ids.push({ id: r.id, started_at: r.startedAt });
  const claimed = yield* rows<{ id: string }>(CLAIM, [jsonParam(ids)]);
  const written = claimed.map((w) => first.get(w.id)!);
  if (written.length === 0) return [];
  let data = "";
  for (const r of written) data += copyLine(r);
  yield* copyIn(COPY, data);
  return written;
}

/** One record as a `traces` line of COPY text format, fields in `COLUMNS` order. */
function copyLine(r: TraceRecord): string {
  const f = copyField;
  return `${f(r.id)}\t${f(r.startedAt)}\t${f(r.endedAt)}\t${f(r.endpoint)}\t${f(r.surface)}\t${f(r.keyId)}\t${f(r.user)}\t${f(r.feature)}\t` +
    `${f(r.modelRequested)}\t${f(r.modelServed)}\t${f(r.provider)}\t${f(r.status)}\t${f(r.httpStatus)}\t${f(r.errorCode)}\t${f(r.errorMessage)}\t` +
    `${f(r.latencyMs)}\t${f(r.ttftMs)}\t${f(r.tokensIn)}\t${f(r.tokensOut)}\t${f(r.tokensCached)}\t${f(r.usageSource)}\t${f(r.costUsd)}\t` +
    `${f(r.stream)}\t${f(r.traceId)}\t${f(r.parentSpanId)}\t${f(JSON.stringify(r.metadata))}\t${f(r.requestBody)}\t${f(r.responseBody)}\t` +
    `${f(r.target)}\t${f(JSON.stringify(r.attempts))}\t${f(r.promptName)}\t${f(r.promptVersion)}\t${f(r.promptLabel)}\t` +
    `${f(r.guard && r.guard.length > 0 ? JSON.stringify(r.guard) : null)}\t${f(r.systemFingerprint)}\t${f(guardTriggered(r))}\t${f(r.piiKept ?? false)}\n`;
}

/** A `traces` row (SELECT *) as the record it was written from. */
export function traceFromRow(r: Record<string, unknown>): TraceRecord {
  return {
    id: r.id as string, startedAt: r.started_at as number, endedAt: r.ended_at as number,
    endpoint: r.endpoint as TraceRecord["endpoint"], keyId: r.key_id as string | null, user: r.user_id as string | null,
    feature: r.feature as string | null, modelRequested: r.model_requested as string, modelServed: r.model_served as string | null,
    provider: r.provider as string | null, status: r.status as TraceRecord["status"], httpStatus: r.http_status as number,
    errorCode: r.error_code as string | null, errorMessage: r.error_message as string | null, latencyMs: r.latency_ms as number,
    ttftMs: r.ttft_ms as number | null, tokensIn: r.tokens_in as number, tokensOut: r.tokens_out as number,
    tokensCached: r.tokens_cached as number, usageSource: r.usage_source as TraceRecord["usageSource"], costUsd: r.cost_usd as number,
    stream: r.stream === true, traceId: r.trace_id as string | null, parentSpanId: r.parent_span_id as string | null,
    metadata: JSON.parse(r.metadata as string) as Record<string, string>,
    requestBody: r.request_body as string | null, responseBody: r.response_body as string | null,
    target: r.target as string | null, attempts: JSON.parse(r.attempts as string) as TraceRecord["attempts"],
    promptName: r.prompt_name as string | null, promptVersion: r.prompt_version as number | null, promptLabel: r.prompt_label as string | null,
    guard: r.guard === null || r.guard === undefined ? null : (JSON.parse(r.guard as string) as TraceRecord["guard"]),
    systemFingerprint: (r.system_fingerprint as string | null) ?? null,
    piiKept: r.pii_kept === true,
    surface: (r.surface as string | null) ?? null,
  };
}

/** The UTC day number of a time. */
export const dayOf = (ts: number): number => Math.floor(ts / DAY);

/** `traces_p20310601`: the partition of one UTC day. */
export function partitionName(day: number): string {
  const iso = new Date(day * DAY).toISOString().slice(0, 10);
  return `traces_p${iso.startsWith("-") ? "n" : ""}${iso.replace(/\D/g, "")}`;
}

/**
 * The statement that creates a day's partition where it is missing. Run outside a transaction:
 * several instances may race to create one, and the loser's error (`isPartitionRace`) only means
 * it is there.
 */
export function partitionDdl(day: number): string {
  return `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF traces FOR VALUES FROM (${day * DAY}) TO (${(day + 1) * DAY})`;
}

/** A lost race to create the same partition (duplicate table or type). */
export function isPartitionRace(err: unknown): boolean {
  return err instanceof PgQueryError && (err.code === "42P07" || err.code === "23505");
}

/** No partition holds a row's day: it was dropped since the cache saw it. */
export function isMissingPartition(err: unknown): boolean {
  return err instanceof PgQueryError && err.code === "23514" && /no partition/i.test(err.message);
}

export interface DayPartition {
  name: string;
  from: number;
  to: number;
}

/** The partitions of `traces` with their bounds, oldest first. */
export function* partitionsSteps(): PgSteps<DayPartition[]> {
  const parts = yield* rows<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'traces'::regclass`, []);
  const out: DayPartition[] = [];
  for (const p of parts) {
    const m = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/.exec(p.bound);
    if (m) out.push({ name: p.name, from: Number(m[1]), to: Number(m[2]) });
  }
  return out.sort((a, b) => a.from - b.from);
}

/**
 * Retention of trace rows: every partition wholly before `ts` is dropped (counted first), then the
 * rows before `ts` in the boundary partition are deleted, at most `limit` (all when undefined).
 * Returns the trace rows removed; their ids leave `trace_ids` in `deleteTraceIdsSteps`.
 */
export function* deleteTracesSteps(ts: number, limit?: number): PgSteps<number> {
  let n = 0;
  for (const p of yield* partitionsSteps()) {
    if (p.to > ts) break;
    const [c] = yield* rows<{ n: number }>(`SELECT count(*) AS n FROM ${p.name}`, []);
    yield { sql: `DROP TABLE IF EXISTS ${p.name}`, params: [], count: true };
    n += c.n;
  }
  if (limit === undefined) return n + (yield* affected("DELETE FROM traces WHERE started_at < $1", [ts]));
  return n + (yield* affected(
    "DELETE FROM traces WHERE (started_at, id) IN (SELECT started_at, id FROM traces WHERE started_at < $1 ORDER BY started_at LIMIT $2)", [ts, limit]));
}

/** The ids of calls that started before `ts` (`trace_ids` is not partitioned), at most `limit`. */
export function deleteTraceIdsSteps(ts: number, limit?: number): PgSteps<number> {
  return limit === undefined
    ? affected("DELETE FROM trace_ids WHERE started_at < $1", [ts])
    : affected("DELETE FROM trace_ids WHERE id IN (SELECT id FROM trace_ids WHERE started_at < $1 ORDER BY started_at LIMIT $2)", [ts, limit]);
}
