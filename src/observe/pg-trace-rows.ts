import { PgQueryError } from "../store/postgres/pg-bridge.js";
import { affected, jsonParam, type PgSteps, rows } from "./pg-steps.js";
import { guardTriggered } from "./rollup/rollup-groups.js";
import type { TraceRecord } from "./types.js";

/** The `traces` columns with their PostgreSQL types, as `json_to_recordset` reads them. */
const COLUMNS = [
  ["id", "text"], ["started_at", "bigint"], ["ended_at", "bigint"], ["endpoint", "text"], ["surface", "text"], ["key_id", "text"],
  ["user_id", "text"], ["feature", "text"], ["model_requested", "text"], ["model_served", "text"], ["provider", "text"],
  ["status", "text"], ["http_status", "bigint"], ["error_code", "text"], ["error_message", "text"], ["latency_ms", "float8"],
  ["ttft_ms", "float8"], ["tokens_in", "bigint"], ["tokens_out", "bigint"], ["tokens_cached", "bigint"], ["usage_source", "text"],
  ["cost_usd", "float8"], ["stream", "boolean"], ["trace_id", "text"], ["parent_span_id", "text"], ["metadata", "text"],
  ["request_body", "text"], ["response_body", "text"], ["target", "text"], ["attempts", "text"], ["prompt_name", "text"],
  ["prompt_version", "bigint"], ["prompt_label", "text"], ["guard", "text"], ["system_fingerprint", "text"],
  ["guard_triggered", "boolean"], ["pii_kept", "boolean"],
] as const;

type Column = (typeof COLUMNS)[number][0];
type Row = Record<Column, unknown>;

const NAMES = COLUMNS.map(([c]) => c).join(", ");
const RECORDSET = `json_to_recordset($1::text::json) AS x(${COLUMNS.map(([c, t]) => `${c} ${t}`).join(", ")})`;
const VALUES = COLUMNS.map(([c]) => `x.${c}`).join(", ");

/**
 * One statement for a whole batch: ids new to `trace_ids` are claimed and only their rows go into
 * `traces` (a repeated id, from an earlier batch or another instance, is ignored). Returns the ids
 * written.
 */
const INSERT = `WITH x AS (SELECT * FROM ${RECORDSET}),
  ids AS (INSERT INTO trace_ids (id, started_at) SELECT id, started_at FROM x ON CONFLICT DO NOTHING RETURNING id)
  INSERT INTO traces (${NAMES}) SELECT ${VALUES} FROM x JOIN ids USING (id) RETURNING id`;

const DAY = 86_400_000;

/** Inserts the records (their days' partitions exist); returns those that were new, first of each id. */
export function* insertTraceSteps(records: readonly TraceRecord[]): PgSteps<TraceRecord[]> {
  const first = new Map<string, TraceRecord>();
  for (const r of records) if (!first.has(r.id)) first.set(r.id, r);
  if (first.size === 0) return [];
  const written = yield* rows<{ id: string }>(INSERT, [jsonParam([...first.values()].map(toJsonRow))]);
  return written.map((w) => first.get(w.id)!);
}

function toJsonRow(r: TraceRecord): Row {
  return {
    id: r.id, started_at: r.startedAt, ended_at: r.endedAt, endpoint: r.endpoint, surface: r.surface ?? null, key_id: r.keyId,
    user_id: r.user, feature: r.feature, model_requested: r.modelRequested, model_served: r.modelServed, provider: r.provider,
    status: r.status, http_status: r.httpStatus, error_code: r.errorCode, error_message: r.errorMessage, latency_ms: r.latencyMs,
    ttft_ms: r.ttftMs, tokens_in: r.tokensIn, tokens_out: r.tokensOut, tokens_cached: r.tokensCached, usage_source: r.usageSource,
    cost_usd: r.costUsd, stream: r.stream, trace_id: r.traceId, parent_span_id: r.parentSpanId, metadata: JSON.stringify(r.metadata),
    request_body: r.requestBody, response_body: r.responseBody, target: r.target,
    attempts: JSON.stringify(r.attempts), prompt_name: r.promptName ?? null, prompt_version: r.promptVersion ?? null,
    prompt_label: r.promptLabel ?? null, guard: r.guard && r.guard.length > 0 ? JSON.stringify(r.guard) : null,
    system_fingerprint: r.systemFingerprint ?? null, guard_triggered: guardTriggered(r), pii_kept: r.piiKept ?? false,
  };
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
