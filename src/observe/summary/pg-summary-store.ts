import type { PgSql } from "../../store/postgres/pg-bridge.js";
import { type PgSteps, rows, runSteps } from "../pg-steps.js";
import { addSlices, coveredFromSteps, readRollupRangesSteps } from "../rollup/pg-rollup-store.js";
import { planRange, type RangePlan, usesRollups } from "../rollup/range-plan.js";
import type { Grain, RollupAcc, RollupDim } from "../rollup/rollup-groups.js";
import type { RollupSlice, RollupStore } from "../rollup/rollup-store.js";
import { type EdgeCall, gatherRange, type RollupTarget, rollupTarget, summarizeAccs } from "./rollup-summary.js";
import { NONE, type ScoreRow, type SliceSummary, summarize, type SummaryRow } from "./summarize.js";
import { type SliceDim, SLICES, type SummaryAnswer, type SummaryQuery, type TimeBucket, type TimeseriesAnswer, type TimeseriesQuery } from "./summary-query.js";
import type { SummaryStore } from "./summary-store.js";

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

const CALL_COLUMNS = `t.status AS status, t.endpoint AS endpoint, t.latency_ms AS "latencyMs", t.ttft_ms AS "ttftMs",
  t.tokens_in AS "tokensIn", t.tokens_out AS "tokensOut", t.tokens_cached AS "tokensCached", t.cost_usd AS "costUsd",
  CASE WHEN t.guard_triggered THEN 1 ELSE 0 END AS "guardTriggered"`;

/**
 * Whether `trace_scores` (the evals domain's table) is in this schema: summaries join its mean
 * scores when it is. Probed until found, then remembered.
 */
export interface ScoresProbe {
  present: boolean;
}

/**
 * A summary, planned as sqlite-summary-store.ts plans it (rollups for whole minutes and hours,
 * rows for the ragged edges, rows for what no rollup answers): the rollup rows and edges are read
 * first, then merged in process by the same pure functions.
 */
export function* summarySteps(q: SummaryQuery, probe: ScoresProbe): PgSteps<SummaryAnswer> {
  const target = rollupTarget(q.by, q.where);
  const plan = planRange(q.since, q.until);
  const sliceSql = q.by ? SLICE_SQL[q.by] : "'all'";
  if (!q.exact && target && usesRollups(plan) && q.since >= (yield* coveredFromSteps())) {
    const sliceOf = q.by ? (v: string | null): string => v ?? NONE : (): string => "all";
    const accs = new Map<string, RollupAcc>();
    yield* gatherSteps([{ plan, sliceOf }], target, sliceSql, q.where, accs);
    return { since: q.since, until: q.until, truncated: false, by: q.by ?? null, data: summarizeAccs(accs, yield* scoreSteps(sliceSql, q, probe)) };
  }
  return { ...(yield* slicedSteps(q, sliceSql, probe)), by: q.by ?? null };
}

/** A summary per time interval (the same read as `summarySteps`, sliced by bucket number). */
export function* timeseriesSteps(q: TimeseriesQuery, probe: ScoresProbe): PgSteps<TimeseriesAnswer> {
  const since = Math.floor(q.since);
  const step = Math.max(1, Math.ceil((q.until - since) / q.buckets));
  if (!Number.isSafeInteger(since) || !Number.isSafeInteger(step)) throw new RangeError("time range out of bounds");
  const byBucket = (yield* rolledSeriesSteps({ ...q, since }, step, probe)) ?? (yield* exactSeriesSteps({ ...q, since }, step, probe));
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

function* exactSeriesSteps(q: TimeseriesQuery, step: number, probe: ScoresProbe): PgSteps<SeriesParts> {
  const answer = yield* slicedSteps(q, bucketSql(q.since, step), probe);
  return { summaries: new Map(answer.data.map((s) => [Number(s.slice), s])), truncated: answer.truncated };
}

function* rolledSeriesSteps(q: TimeseriesQuery, step: number, probe: ScoresProbe): PgSteps<SeriesParts | null> {
  const target = rollupTarget(undefined, q.where);
  if (q.exact || !target || q.since < (yield* coveredFromSteps())) return null;
  const plans = Array.from({ length: q.buckets }, (_, i) => planRange(q.since + i * step, Math.min(q.until, q.since + (i + 1) * step)));
  if (!plans.some(usesRollups)) return null;
  const accs = new Map<string, RollupAcc>();
  yield* gatherSteps(plans.map((plan, i) => ({ plan, sliceOf: () => String(i) })), target, "NULL", q.where, accs);
  const summaries = summarizeAccs(accs, yield* scoreSteps(bucketSql(q.since, step), q, probe));
  return { summaries: new Map(summaries.map((s) => [Number(s.slice), s])), truncated: false };
}

/** Validated integers only (timeseriesSteps checks them). */
const bucketSql = (since: number, step: number): string => `CAST((t.started_at - ${since}) / ${step} AS TEXT)`;

/**
 * Reads what `gatherRange` needs for every plan — one statement per grain for the rollup rows of
 * all their ranges, one for all their edge rows — then lets it merge each plan's.
 */
function* gatherSteps(
  plans: readonly { plan: RangePlan; sliceOf: (value: string | null) => string }[], target: RollupTarget, sliceSql: string,
  filters: Partial<Record<SliceDim, string>>, into: Map<string, RollupAcc>,
): PgSteps<void> {
  const read = new Map<string, RollupSlice[]>();
  for (const grain of ["hour", "minute"] as const) {
    const found = yield* readRollupRangesSteps(grain, target.dim, plans.flatMap((p) => p.plan[grain]), target.value);
    for (const [range, slices] of found) read.set(`${grain}:${range}`, slices);
  }
  const edges = new Map<string, EdgeCall[]>();
  const raw = plans.flatMap((p) => p.plan.raw);
  if (raw.length > 0) {
    // One index range scan per edge (UNION ALL): each branch prunes to its day's partition.
    // $1 and $2 are the first edge's bounds, then the filters, then the other edges' bounds.
    const { where, args } = whereOf(raw[0][0], raw[0][1], filters);
    const filterSql = where.slice(2).join(" AND ");
    const branches = raw.map(([f, t], k) => {
      const from = k === 0 ? "$1" : `$${args.push(f)}`;
      const to = k === 0 ? "$2" : `$${args.push(t)}`;
      return `SELECT ${from}::bigint AS range_from, ${to}::bigint AS range_to, ${sliceSql} AS slice, ${CALL_COLUMNS} FROM traces t
        WHERE t.started_at >= ${from} AND t.started_at < ${to}${filterSql ? ` AND ${filterSql}` : ""}`;
    });
    const found = yield* rows<EdgeCall & { range_from: number; range_to: number }>(branches.join(" UNION ALL "), args);
    for (const r of found) {
      const key = `${r.range_from}:${r.range_to}`;
      let list = edges.get(key);
      if (!list) edges.set(key, (list = []));
      list.push(r);
    }
  }
  const rollups = new ReadRollups(read);
  for (const { plan, sliceOf } of plans) gatherRange(rollups, plan, target, sliceOf, (from, to) => edges.get(`${from}:${to}`) ?? [], into);
}

/** The rollup rows already read for one plan, served to `gatherRange`. */
class ReadRollups implements RollupStore {
  constructor(private readonly slices: Map<string, RollupSlice[]>) {}
  addTo(grain: Grain, _dim: RollupDim, from: number, to: number, _value: string | undefined, accOf: (value: string) => RollupAcc): void {
    addSlices(this.read(grain, _dim, from, to), accOf);
  }
  read(grain: Grain, _dim: RollupDim, from: number, to: number): RollupSlice[] {
    return this.slices.get(`${grain}:${from}:${to}`) ?? [];
  }
  apply(): void {
    throw new Error("read-only rollups");
  }
  coveredFrom(): number {
    throw new Error("read-only rollups");
  }
  setCoveredFrom(): void {
    throw new Error("read-only rollups");
  }
  pruneBefore(): number {
    throw new Error("read-only rollups");
  }
}

/** `WHERE` terms ($1… placeholders) for a range and slice filters; expressions are constants. */
function whereOf(since: number, until: number, filters: Partial<Record<SliceDim, string>>, first = 1): { where: string[]; args: unknown[] } {
  const args: unknown[] = [since, until];
  const where = [`t.started_at >= $${first}`, `t.started_at < $${first + 1}`];
  for (const dim of SLICES) {
    const v = filters[dim];
    if (v !== undefined) where.push(`${SLICE_SQL[dim]} = $${first + args.push(v) - 1}`);
  }
  return { where, args };
}

/** Mean eval scores and feedback per slice (see sqlite-summary-store.ts for why `created_at >= since`). */
function* scoreSteps(sliceSql: string, q: Omit<SummaryQuery, "by">, probe: ScoresProbe): PgSteps<ScoreRow[]> {
  if (!probe.present) {
    const [r] = yield* rows<{ ok: boolean }>("SELECT to_regclass('trace_scores') IS NOT NULL AS ok", []);
    if (!r.ok) return [];
    probe.present = true;
  }
  const { where, args } = whereOf(q.since, q.until, q.where, 2);
  return yield* rows<ScoreRow>(`
    SELECT ${sliceSql} AS slice, s.name AS name, s.source AS source, avg(s.score) AS mean, count(*) AS n
    FROM trace_scores s JOIN traces t ON t.id = s.trace_id
    WHERE s.created_at >= $1 AND ${where.join(" AND ")} AND s.status = 'scored' AND s.score IS NOT NULL
    GROUP BY 1, s.name, s.source LIMIT 10000`, [q.since, ...args]);
}

/** The exact read of the range's rows, newest first, at most `maxRows`. */
function* slicedSteps(q: Omit<SummaryQuery, "by">, sliceSql: string, probe: ScoresProbe): PgSteps<Omit<SummaryAnswer, "by">> {
  const { where, args } = whereOf(q.since, q.until, q.where);
  const found = yield* rows<Omit<SummaryRow, "guardTriggered"> & { guardTriggered: number }>(`
    SELECT ${sliceSql} AS slice, ${CALL_COLUMNS}
    FROM traces t WHERE ${where.join(" AND ")} ORDER BY t.started_at DESC LIMIT $${args.length + 1}`, [...args, q.maxRows + 1]);
  const truncated = found.length > q.maxRows;
  if (truncated) found.pop();
  const data = summarize(found.map((r) => ({ ...r, guardTriggered: r.guardTriggered === 1 })), yield* scoreSteps(sliceSql, q, probe));
  return { since: q.since, until: q.until, truncated, data };
}

function emptySlice(): SliceSummary {
  return {
    slice: "", requests: 0, errors: 0, error_rate: 0, latency_ms: { p50: null, p95: null }, ttft_ms: { p50: null, p95: null },
    tokens_per_s_p50: null, tokens_in_per_request: 0, tokens_out_per_request: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0,
    cost_usd_per_request: 0, cache_hit_rate: 0, guard_trigger_rate: 0, cache_hits: 0, guard_triggers: 0, scores: {}, feedback: null,
  };
}

/** Summaries and time series over the bridge, blocking (the SQLite twin is sqlite-summary-store.ts). */
export class PgSummaryStore implements SummaryStore {
  private readonly probe: ScoresProbe = { present: false };

  constructor(private readonly db: PgSql) {}

  summary(q: SummaryQuery): SummaryAnswer {
    return runSteps(this.db, summarySteps(q, this.probe));
  }

  timeseries(q: TimeseriesQuery): TimeseriesAnswer {
    return runSteps(this.db, timeseriesSteps(q, this.probe));
  }
}
