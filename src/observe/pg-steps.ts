import type { PgSql } from "../store/postgres/pg-bridge.js";

/** One statement a step sequence asks for; `count` asks for the rows affected, as `[{ n }]`. */
export interface PgStmt {
  sql: string;
  params: readonly unknown[];
  count?: boolean;
}

type Rows = Record<string, unknown>[];

/**
 * A store operation written once as a sequence of statements, each answered before the next is
 * built: the synchronous stores run it on the bridge (`runSteps`), the trace writer and reader
 * without blocking (`runStepsAsync`), so both sides share every line of SQL and decoding.
 */
export type PgSteps<T> = Generator<PgStmt, T, Rows>;

/** What `runStepsAsync` runs statements on: a `transactionAsync` body's `q`, or `asyncSql(bridge)`. */
export interface PgAsyncSql {
  all<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export function runSteps<T>(db: PgSql, steps: PgSteps<T>): T {
  let r = steps.next();
  while (!r.done) {
    const s = r.value;
    r = steps.next(s.count ? [{ n: db.run(s.sql, s.params) }] : db.all(s.sql, s.params));
  }
  return r.value;
}

export async function runStepsAsync<T>(q: PgAsyncSql, steps: PgSteps<T>): Promise<T> {
  let r = steps.next();
  while (!r.done) {
    const s = r.value;
    r = steps.next(s.count ? [{ n: await q.run(s.sql, s.params) }] : await q.all(s.sql, s.params));
  }
  return r.value;
}

/** The rows affected by a `count` statement. */
export function* affected(sql: string, params: readonly unknown[]): PgSteps<number> {
  const [row] = yield { sql, params, count: true };
  return row.n as number;
}

/** Rows of one statement, typed. */
export function* rows<R>(sql: string, params: readonly unknown[]): PgSteps<R[]> {
  return (yield { sql, params }) as R[];
}

/**
 * A JSON array parameter for `json_to_recordset`: PostgreSQL text cannot hold U+0000, so it is
 * dropped from strings (the only change a value undergoes on the way in).
 */
export function jsonParam(values: unknown): string {
  const json = JSON.stringify(values);
  if (!json.includes("\\u0000")) return json;
  return JSON.stringify(values, (_k, v: unknown) => (typeof v === "string" ? v.replaceAll("\u0000", "") : v));
}
