import type { PgSql } from "../../store/postgres/pg-bridge.js";
import { affected, jsonParam, type PgSteps, rows, runSteps } from "../pg-steps.js";
import type { TraceRecord } from "../types.js";
import { LogSketch } from "./log-sketch.js";
import type { RollupSlice, RollupStore } from "./rollup-store.js";
import { emptyAcc, type Grain, GRAIN_MS, groupBatch, mergeAcc, NULL_VALUE, type RollupAcc, type RollupDim, ROLLUP_DIMS } from "./rollup-groups.js";

const TABLE: Record<Grain, string> = { minute: "trace_rollup_minute", hour: "trace_rollup_hour" };
const KEYS = "json_to_recordset($1::text::json) AS x(dim text, bucket bigint, value text)";
/** PostgreSQL text cannot hold U+0000 (`NULL_VALUE`): a missing value is stored as U+0001. */
const PG_NULL = "\u0001";
const toPg = (v: string): string => (v === NULL_VALUE ? PG_NULL : v);
const fromPg = (v: string): string => (v === PG_NULL ? NULL_VALUE : v);
const EMPTY = `decode('${new LogSketch().encode().toString("base64")}', 'base64')`;

interface RollupRow {
  bucket: number;
  value: string;
  requests: number;
  errors: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  cache_hits: number;
  guard_triggers: number;
  latency: Uint8Array;
  ttft: Uint8Array;
  tps: Uint8Array;
}

/**
 * Adds the records (inserted in the same transaction) to their minute and hour rows. Sketches
 * merge in process, so each row is read and rewritten: the missing rows are created empty first
 * and every row is locked in key order before it is read, so instances writing the same minute
 * at once add up instead of overwriting each other, and cannot deadlock.
 */
export function* applyRollupSteps(records: readonly TraceRecord[]): PgSteps<void> {
  if (records.length === 0) return;
  const groups = groupBatch(records);
  for (const grain of ["minute", "hour"] as const) {
    const table = TABLE[grain];
    const mine = groups.filter((g) => g.grain === grain)
      .map((g) => ({ ...g, value: toPg(g.value) }))
      .sort((a, b) => (a.dim < b.dim ? -1 : a.dim > b.dim ? 1 : a.bucket - b.bucket || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)));
    const keys = jsonParam(mine.map((g) => ({ dim: g.dim, bucket: g.bucket, value: g.value })));
    yield* affected(`INSERT INTO ${table} (dim, bucket, value, requests, errors, tokens_in, tokens_out, cost_usd, cache_hits, guard_triggers, latency, ttft, tps)
      SELECT dim, bucket, value, 0, 0, 0, 0, 0, 0, 0, ${EMPTY}, ${EMPTY}, ${EMPTY} FROM ${KEYS}
      ORDER BY dim COLLATE "C", bucket, value COLLATE "C" ON CONFLICT DO NOTHING`, [keys]);
    const existing = yield* rows<RollupRow & { dim: string }>(`SELECT t.* FROM ${table} t JOIN ${KEYS} USING (dim, bucket, value)
      ORDER BY t.dim COLLATE "C", t.bucket, t.value COLLATE "C" FOR UPDATE OF t`, [keys]);
    const byKey = new Map(existing.map((r) => [`${r.dim}\u0001${r.bucket}\u0001${r.value}`, r]));
    const merged = mine.map((g) => {
      const row = byKey.get(`${g.dim}\u0001${g.bucket}\u0001${g.value}`);
      const a = g.acc;
      if (row) addRow(row, a);
      return {
        dim: g.dim, bucket: g.bucket, value: g.value, requests: a.requests, errors: a.errors, tokens_in: a.tokensIn, tokens_out: a.tokensOut,
        cost_usd: a.costUsd, cache_hits: a.cacheHits, guard_triggers: a.guardTriggers,
        latency: a.latency.encode().toString("base64"), ttft: a.ttft.encode().toString("base64"), tps: a.tps.encode().toString("base64"),
      };
    });
    yield* affected(`UPDATE ${table} t SET requests = x.requests, errors = x.errors, tokens_in = x.tokens_in, tokens_out = x.tokens_out,
        cost_usd = x.cost_usd, cache_hits = x.cache_hits, guard_triggers = x.guard_triggers,
        latency = decode(x.latency, 'base64'), ttft = decode(x.ttft, 'base64'), tps = decode(x.tps, 'base64')
      FROM json_to_recordset($1::text::json) AS x(dim text, bucket bigint, value text, requests bigint, errors bigint, tokens_in bigint,
        tokens_out bigint, cost_usd float8, cache_hits bigint, guard_triggers bigint, latency text, ttft text, tps text)
      WHERE t.dim = x.dim AND t.bucket = x.bucket AND t.value = x.value`, [jsonParam(merged)]);
  }
}

/** Rollup rows of one dimension with `from ≤ bucket < to`, one value or all. */
export function* readRollupSteps(grain: Grain, dim: RollupDim, from: number, to: number, value?: string): PgSteps<RollupSlice[]> {
  if (!(to > from)) return [];
  const sql = `SELECT * FROM ${TABLE[grain]} WHERE dim = $1 AND bucket >= $2 AND bucket < $3${value === undefined ? "" : " AND value = $4"}`;
  const found = yield* rows<RollupRow>(sql, value === undefined ? [dim, from, to] : [dim, from, to, toPg(value)]);
  return found.map((r) => ({ bucket: r.bucket, value: fromPg(r.value), acc: addRow(r, emptyAcc()) }));
}

/**
 * Rollup rows of several bucket ranges of one dimension in one statement (a time series plans a
 * few ranges per interval), by range (`"from:to"`).
 */
export function* readRollupRangesSteps(grain: Grain, dim: RollupDim, ranges: readonly [number, number][], value?: string): PgSteps<Map<string, RollupSlice[]>> {
  const out = new Map<string, RollupSlice[]>(ranges.map(([f, t]) => [`${f}:${t}`, []]));
  const wanted = ranges.filter(([f, t]) => t > f).map(([f, t]) => ({ f, t }));
  if (wanted.length === 0) return out;
  // One index range scan per range (UNION ALL), never a join the planner might turn into a scan.
  const args: unknown[] = [dim];
  if (value !== undefined) args.push(toPg(value));
  const branches = wanted.map(({ f, t }) => {
    const from = `$${args.push(f)}`;
    const to = `$${args.push(t)}`;
    return `SELECT ${from}::bigint AS range_from, ${to}::bigint AS range_to, r.* FROM ${TABLE[grain]} r
      WHERE r.dim = $1 AND r.bucket >= ${from} AND r.bucket < ${to}${value === undefined ? "" : " AND r.value = $2"}`;
  });
  const found = yield* rows<RollupRow & { range_from: number; range_to: number }>(branches.join(" UNION ALL "), args);
  for (const r of found) out.get(`${r.range_from}:${r.range_to}`)!.push({ bucket: r.bucket, value: fromPg(r.value), acc: addRow(r, emptyAcc()) });
  return out;
}

export function* coveredFromSteps(): PgSteps<number> {
  const [r] = yield* rows<{ covered_from: number }>("SELECT covered_from FROM trace_rollup_state WHERE id = 1", []);
  return r?.covered_from ?? 0;
}

export function setCoveredFromSteps(ts: number): PgSteps<number> {
  return affected("INSERT INTO trace_rollup_state (id, covered_from) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET covered_from = excluded.covered_from", [ts]);
}

/** Deletes up to `limit` rows of buckets that ended before `ts`, one dimension at a time (an index range each). */
export function* pruneRollupSteps(grain: Grain, ts: number, limit: number): PgSteps<number> {
  const bucket = Math.floor(ts / GRAIN_MS[grain]);
  let left = limit;
  for (const dim of ROLLUP_DIMS) {
    if (left <= 0) break;
    left -= yield* affected(`DELETE FROM ${TABLE[grain]} WHERE (dim, bucket, value) IN
      (SELECT dim, bucket, value FROM ${TABLE[grain]} WHERE dim = $1 AND bucket < $2 LIMIT $3)`, [dim, bucket, left]);
  }
  return limit - left;
}

function addRow(r: RollupRow, a: RollupAcc): RollupAcc {
  a.requests += r.requests;
  a.errors += r.errors;
  a.tokensIn += r.tokens_in;
  a.tokensOut += r.tokens_out;
  a.costUsd += r.cost_usd;
  a.cacheHits += r.cache_hits;
  a.guardTriggers += r.guard_triggers;
  LogSketch.decode(r.latency, a.latency);
  LogSketch.decode(r.ttft, a.ttft);
  LogSketch.decode(r.tps, a.tps);
  return a;
}

/** The rollups over the bridge (the SQLite twin is sqlite-rollup-store.ts); `apply` joins the caller's transaction. */
export class PgRollupStore implements RollupStore {
  constructor(private readonly db: PgSql) {}

  apply(records: readonly TraceRecord[]): void {
    if (records.length > 0) this.db.transaction((tx) => runSteps(tx, applyRollupSteps(records)));
  }

  read(grain: Grain, dim: RollupDim, from: number, to: number, value?: string): RollupSlice[] {
    return runSteps(this.db, readRollupSteps(grain, dim, from, to, value));
  }

  addTo(grain: Grain, dim: RollupDim, from: number, to: number, value: string | undefined, accOf: (value: string) => RollupAcc): void {
    addSlices(this.read(grain, dim, from, to, value), accOf);
  }

  coveredFrom(): number {
    return runSteps(this.db, coveredFromSteps());
  }

  setCoveredFrom(ts: number): void {
    runSteps(this.db, setCoveredFromSteps(ts));
  }

  pruneBefore(grain: Grain, ts: number, limit: number): number {
    return runSteps(this.db, pruneRollupSteps(grain, ts, limit));
  }
}

/** Adds read slices into the accumulators `accOf(value)` returns. */
export function addSlices(slices: readonly RollupSlice[], accOf: (value: string) => RollupAcc): void {
  for (const s of slices) mergeAcc(accOf(s.value), s.acc);
}
