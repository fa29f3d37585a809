import type Database from "better-sqlite3";
import type { SqliteDb } from "../../store/sqlite.js";
import { planRange, usesRollups } from "../rollup/range-plan.js";
import type { RollupAcc } from "../rollup/rollup-groups.js";
import type { RollupStore } from "../rollup/rollup-store.js";
import { SqliteRollupStore } from "../rollup/sqlite-rollup-store.js";
import { type EdgeCall, gatherRange, rollupTarget, summarizeAccs } from "./rollup-summary.js";
import { NONE, type ScoreRow, type SliceSummary, summarize, type SummaryRow } from "./summarize.js";
import { type SliceDim, SLICES, type SummaryAnswer, type SummaryQuery, type TimeBucket, type TimeseriesAnswer, type TimeseriesQuery } from "./summary-query.js";
import type { SummaryStore } from "./summary-store.js";

/** Summaries and time series over one SQLite connection (the read worker's, or the main one). */
export class SqliteSummaryStore implements SummaryStore {
  private readonly rollups: RollupStore;

  constructor(private readonly db: SqliteDb) {
    this.rollups = new SqliteRollupStore(db);
  }

  summary(q: SummaryQuery): SummaryAnswer {
    return querySummary(this.db, this.rollups, q);
  }

  timeseries(q: TimeseriesQuery): TimeseriesAnswer {
    return queryTimeseries(this.db, this.rollups, q);
  }
}

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

/** Rows since migration 14 carry the flag; older ones have it only inside their guard JSON. */
const GUARD_TRIGGERED = `CASE WHEN t.guard_triggered IS NOT NULL THEN t.guard_triggered WHEN t.guard IS NULL THEN 0
  ELSE EXISTS (SELECT 1 FROM json_each(t.guard) j WHERE json_extract(j.value, '$.triggered') IN (1, 'true') AND json_extract(j.value, '$.action') != 'log') END`;

/**
 * The I/O half of summaries. When one rollup dimension answers the query (rollup-summary.ts) and
 * the range spans at least one whole minute, it reads rollup rows plus the rows of the sub-minute
 * edges: exact counts and sums, percentiles within the sketch's relative error. Otherwise it reads
 * the trace rows of the range (an indexed range scan) and computes exact percentiles in process,
 * because SQLite has no percentile aggregate. Either way it runs in the read worker, not on the
 * gateway's event loop.
 */
function querySummary(db: SqliteDb, rollups: RollupStore, q: SummaryQuery): SummaryAnswer {
  const target = rollupTarget(q.by, q.where);
  const plan = planRange(q.since, q.until);
  if (!q.exact && target && usesRollups(plan) && q.since >= rollups.coveredFrom()) {
    const sliceSql = q.by ? SLICE_SQL[q.by] : "'all'";
    const sliceOf = q.by ? (v: string | null): string => v ?? NONE : (): string => "all";
    const accs = gatherRange(rollups, plan, target, sliceOf, (from, to) => edgeCalls(db, sliceSql, from, to, q.where));
    return { since: q.since, until: q.until, truncated: false, by: q.by ?? null, data: summarizeAccs(accs, scoreRows(db, sliceSql, q)) };
  }
  return { ...sliced(db, q, q.by ? SLICE_SQL[q.by] : "'all'"), by: q.by ?? null };
}

/** `WHERE` terms and their arguments for a range and slice filters; expressions are constants. */
function whereOf(since: number, until: number, filters: Partial<Record<SliceDim, string>>): { where: string[]; args: unknown[] } {
  const where = ["t.started_at >= ?", "t.started_at < ?"];
  const args: unknown[] = [since, until];
  for (const dim of SLICES) {
    const v = filters[dim];
    if (v !== undefined) { where.push(`${SLICE_SQL[dim]} = ?`); args.push(v); }
  }
  return { where, args };
}

const CALL_COLUMNS = `t.status AS status, t.endpoint AS endpoint, t.latency_ms AS latencyMs, t.ttft_ms AS ttftMs,
           t.tokens_in AS tokensIn, t.tokens_out AS tokensOut, t.tokens_cached AS tokensCached, t.cost_usd AS costUsd,
           ${GUARD_TRIGGERED} AS guardTriggered`;

/** The rows of one sub-minute edge of a rollup-answered range. */
function edgeCalls(db: SqliteDb, sliceSql: string, from: number, to: number, filters: Partial<Record<SliceDim, string>>): EdgeCall[] {
  const { where, args } = whereOf(from, to, filters);
  return prepared(db, `SELECT ${sliceSql} AS slice, ${CALL_COLUMNS} FROM traces t WHERE ${where.join(" AND ")}`).all(...(args as unknown[])) as EdgeCall[];
}

type Statement = Database.Statement<unknown[]>;
const statements = new WeakMap<SqliteDb, Map<string, Statement>>();

/** A time series reads two edges per interval with the same SQL: prepare it once per connection. */
function prepared(db: SqliteDb, sql: string): Statement {
  let byDb = statements.get(db);
  if (!byDb) statements.set(db, (byDb = new Map()));
  let s = byDb.get(sql);
  if (!s) {
    if (byDb.size > 200) byDb.clear();
    byDb.set(sql, (s = db.prepare<unknown[]>(sql)));
  }
  return s;
}

/**
 * Mean eval scores and feedback per slice. A score is written after its call started, so
 * `created_at >= since` is implied by the range; stating it lets SQLite walk the recent scores
 * (trace_scores_created) and look each call up by id, instead of every call in the range.
 */
function scoreRows(db: SqliteDb, sliceSql: string, q: Omit<SummaryQuery, "by">): ScoreRow[] {
  const { where, args } = whereOf(q.since, q.until, q.where);
  return db.prepare(`
    SELECT ${sliceSql} AS slice, s.name AS name, s.source AS source, avg(s.score) AS mean, count(*) AS n
    FROM trace_scores s CROSS JOIN traces t ON t.id = s.trace_id
    WHERE s.created_at >= ? AND ${where.join(" AND ")} AND s.status = 'scored' AND s.score IS NOT NULL
    GROUP BY slice, s.name, s.source LIMIT 10000`).all(q.since, ...args) as ScoreRow[];
}

/** The exact read: `sliceSql` is a constant expression or built from validated integers only. */
function sliced(db: SqliteDb, q: Omit<SummaryQuery, "by">, sliceSql: string): Omit<SummaryAnswer, "by"> {
  const { where, args } = whereOf(q.since, q.until, q.where);
  const rows = db.prepare(`
    SELECT ${sliceSql} AS slice, ${CALL_COLUMNS}
    FROM traces t WHERE ${where.join(" AND ")} ORDER BY t.started_at DESC LIMIT ?`).all(...args, q.maxRows + 1) as (Omit<SummaryRow, "guardTriggered"> & { guardTriggered: number })[];
  const truncated = rows.length > q.maxRows;
  if (truncated) rows.pop();
  const data = summarize(rows.map((r) => ({ ...r, guardTriggered: r.guardTriggered === 1 })), scoreRows(db, sliceSql, q));
  return { since: q.since, until: q.until, truncated, data };
}

/**
 * A summary per time interval: the same read as `querySummary`, sliced by bucket number, so the
 * dashboard's charts and its totals agree to the call. Bucket arithmetic uses integers that were
 * validated before they reach SQL.
 */
function queryTimeseries(db: SqliteDb, rollups: RollupStore, q: TimeseriesQuery): TimeseriesAnswer {
  const since = Math.floor(q.since);
  const step = Math.max(1, Math.ceil((q.until - since) / q.buckets));
  if (!Number.isSafeInteger(since) || !Number.isSafeInteger(step)) throw new RangeError("time range out of bounds");
  const byBucket = rolledSeries(db, rollups, { ...q, since }, step) ?? exactSeries(db, { ...q, since }, step);
  const data: TimeBucket[] = [];
  for (let i = 0; i < q.buckets; i++) {
    const startMs = since + i * step;
    const { slice: _slice, ...s } = byBucket.summaries.get(i) ?? emptySlice();
    data.push({ start: new Date(startMs).toISOString(), start_ms: startMs, ...s });
  }
  return { since, until: q.until, step_ms: step, truncated: byBucket.truncated, data };
}

interface SeriesParts {
  summaries: Map<number, SliceSummary>;
  truncated: boolean;
}

function exactSeries(db: SqliteDb, q: TimeseriesQuery, step: number): SeriesParts {
  const answer = sliced(db, q, `CAST((t.started_at - ${q.since}) / ${step} AS TEXT)`);
  return { summaries: new Map(answer.data.map((s) => [Number(s.slice), s])), truncated: answer.truncated };
}

/** Each interval planned on its own (whole hours, whole minutes, edges); null when rollups cannot answer. */
function rolledSeries(db: SqliteDb, rollups: RollupStore, q: TimeseriesQuery, step: number): SeriesParts | null {
  const target = rollupTarget(undefined, q.where);
  if (q.exact || !target || q.since < rollups.coveredFrom()) return null;
  const plans = Array.from({ length: q.buckets }, (_, i) => planRange(q.since + i * step, Math.min(q.until, q.since + (i + 1) * step)));
  if (!plans.some(usesRollups)) return null;
  const sliceSql = `CAST((t.started_at - ${q.since}) / ${step} AS TEXT)`;
  const accs = new Map<string, RollupAcc>();
  plans.forEach((plan, i) => gatherRange(rollups, plan, target, () => String(i), (from, to) => edgeCalls(db, "NULL", from, to, q.where), accs));
  const summaries = summarizeAccs(accs, scoreRows(db, sliceSql, q));
  return { summaries: new Map(summaries.map((s) => [Number(s.slice), s])), truncated: false };
}

function emptySlice(): SliceSummary {
  return {
    slice: "", requests: 0, errors: 0, error_rate: 0, latency_ms: { p50: null, p95: null }, ttft_ms: { p50: null, p95: null },
    tokens_per_s_p50: null, tokens_in_per_request: 0, tokens_out_per_request: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0,
    cost_usd_per_request: 0, cache_hit_rate: 0, guard_trigger_rate: 0, cache_hits: 0, guard_triggers: 0, scores: {}, feedback: null,
  };
}

