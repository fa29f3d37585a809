import { z } from "zod";
import type { SqliteDb } from "../../store/sqlite.js";
import { type ScoreRow, type SliceSummary, summarize, type SummaryRow } from "./summarize.js";

export const SLICES = ["model", "route", "prompt_version", "key", "user", "feature", "provider", "endpoint"] as const;
export type SliceDim = (typeof SLICES)[number];

/** The SQL expression each slice reads from `traces` (aliased `t`); constants, never user input. */
const SLICE_SQL: Record<SliceDim, string> = {
  model: "coalesce(t.model_served, t.model_requested)",
  route: "t.model_requested",
  prompt_version: "CASE WHEN t.prompt_name IS NULL THEN NULL ELSE t.prompt_name || '@v' || t.prompt_version END",
  key: "t.key_id",
  user: "t.user_id",
  feature: "t.feature",
  provider: "t.provider",
  endpoint: "t.endpoint",
};

export interface SummaryQuery {
  since: number;
  until: number;
  by?: SliceDim;
  /** Only calls whose slice value equals this, per dimension. */
  where: Partial<Record<SliceDim, string>>;
  /** Most calls read; a larger range is summarised from its most recent `maxRows` calls. */
  maxRows: number;
}

export interface SummaryAnswer {
  since: number;
  until: number;
  by: SliceDim | null;
  /** True when the range held more calls than `maxRows`: the oldest were left out. */
  truncated: boolean;
  data: SliceSummary[];
}

const GUARD_TRIGGERED = "EXISTS (SELECT 1 FROM json_each(t.guard) j WHERE json_extract(j.value, '$.triggered') IN (1, 'true') AND json_extract(j.value, '$.action') != 'log')";

/**
 * The I/O half of summaries: two indexed range reads over `traces` (and `trace_scores` for judge
 * scores and feedback), then the pure `summarize`. Percentiles are computed in process because
 * SQLite has no percentile aggregate.
 */
export function querySummary(db: SqliteDb, q: SummaryQuery): SummaryAnswer {
  return { ...sliced(db, q, q.by ? SLICE_SQL[q.by] : "'all'"), by: q.by ?? null };
}

/** The shared read: `sliceSql` is a constant expression or built from validated integers only. */
function sliced(db: SqliteDb, q: Omit<SummaryQuery, "by">, sliceSql: string): Omit<SummaryAnswer, "by"> {
  const where = ["t.started_at >= ?", "t.started_at < ?"];
  const args: unknown[] = [q.since, q.until];
  for (const dim of SLICES) {
    const v = q.where[dim];
    if (v !== undefined) { where.push(`${SLICE_SQL[dim]} = ?`); args.push(v); }
  }
  const slice = sliceSql;
  const rows = db.prepare(`
    SELECT ${slice} AS slice, t.status AS status, t.endpoint AS endpoint, t.latency_ms AS latencyMs, t.ttft_ms AS ttftMs,
           t.tokens_in AS tokensIn, t.tokens_out AS tokensOut, t.tokens_cached AS tokensCached, t.cost_usd AS costUsd,
           CASE WHEN t.guard IS NULL THEN 0 ELSE ${GUARD_TRIGGERED} END AS guardTriggered
    FROM traces t WHERE ${where.join(" AND ")} ORDER BY t.started_at DESC LIMIT ?`).all(...args, q.maxRows + 1) as (Omit<SummaryRow, "guardTriggered"> & { guardTriggered: number })[];
  const truncated = rows.length > q.maxRows;
  if (truncated) rows.pop();
  const scores = db.prepare(`
    SELECT ${slice} AS slice, s.name AS name, s.source AS source, avg(s.score) AS mean, count(*) AS n
    FROM trace_scores s JOIN traces t ON t.id = s.trace_id
    WHERE ${where.join(" AND ")} AND s.status = 'scored' AND s.score IS NOT NULL
    GROUP BY slice, s.name, s.source LIMIT 10000`).all(...args) as ScoreRow[];
  const data = summarize(rows.map((r) => ({ ...r, guardTriggered: r.guardTriggered === 1 })), scores);
  return { since: q.since, until: q.until, truncated, data };
}

export interface TimeseriesQuery extends Omit<SummaryQuery, "by"> {
  /** Equal intervals the range is cut into. */
  buckets: number;
}

/** One interval of a time series: the slice summary of the calls that started in it. */
export type TimeBucket = Omit<SliceSummary, "slice"> & { start: string; start_ms: number };

export interface TimeseriesAnswer {
  since: number;
  until: number;
  step_ms: number;
  truncated: boolean;
  /** Every interval in order, empty ones included (zero requests, null percentiles). */
  data: TimeBucket[];
}

/**
 * A summary per time interval: the same read as `querySummary`, sliced by bucket number, so the
 * dashboard's charts and its totals agree to the call. Bucket arithmetic uses integers that were
 * validated before they reach SQL.
 */
export function queryTimeseries(db: SqliteDb, q: TimeseriesQuery): TimeseriesAnswer {
  const since = Math.floor(q.since);
  const step = Math.max(1, Math.ceil((q.until - since) / q.buckets));
  if (!Number.isSafeInteger(since) || !Number.isSafeInteger(step)) throw new RangeError("time range out of bounds");
  const answer = sliced(db, { ...q, since }, `CAST((t.started_at - ${since}) / ${step} AS TEXT)`);
  const byBucket = new Map(answer.data.map((s) => [Number(s.slice), s]));
  const data: TimeBucket[] = [];
  for (let i = 0; i < q.buckets; i++) {
    const startMs = since + i * step;
    const { slice: _slice, ...s } = byBucket.get(i) ?? emptySlice();
    data.push({ start: new Date(startMs).toISOString(), start_ms: startMs, ...s });
  }
  return { since, until: q.until, step_ms: step, truncated: answer.truncated, data };
}

function emptySlice(): SliceSummary {
  return {
    slice: "", requests: 0, errors: 0, error_rate: 0, latency_ms: { p50: null, p95: null }, ttft_ms: { p50: null, p95: null },
    tokens_per_s_p50: null, tokens_in_per_request: 0, tokens_out_per_request: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0,
    cost_usd_per_request: 0, cache_hit_rate: 0, guard_trigger_rate: 0, cache_hits: 0, guard_triggers: 0, scores: {}, feedback: null,
  };
}

const time = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,13}$/), z.string().regex(/^\d{1,5}[mhdw]$/)]);

/** `?since=…&until=…&by=…&model=…`: ISO times, epoch s/ms, or a duration back from now (`15m`, `24h`, `7d`). */
export const summaryQuerySchema = z.strictObject({
  since: time.default("24h"),
  until: time.optional(),
  by: z.enum(SLICES).optional(),
  max_rows: z.coerce.number().int().min(1).max(1_000_000).default(200_000),
  ...Object.fromEntries(SLICES.map((s) => [s, z.string().max(256).optional()])) as Record<SliceDim, z.ZodOptional<z.ZodString>>,
});

/** `?since=…&until=…&buckets=…&model=…`: the summary's filters, cut into 1–500 equal intervals. */
export const timeseriesQuerySchema = summaryQuerySchema.omit({ by: true }).extend({
  buckets: z.coerce.number().int().min(1).max(500).default(30),
});

/** A time parameter in ms since the epoch. */
export function resolveTime(v: string, now: number): number {
  const d = /^(\d{1,5})([mhdw])$/.exec(v);
  if (d) return now - Number(d[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[d[2] as "m" | "h" | "d" | "w"];
  if (/^\d+$/.test(v)) return v.length === 10 ? Number(v) * 1000 : Number(v);
  return Date.parse(v);
}
