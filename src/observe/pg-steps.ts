import type { PgSql } from "../store/postgres/pg-bridge.js";

/**
 * One statement a step sequence asks for; `count` asks for the rows affected, as `[{ n }]`; `copy`
 * makes it a `COPY … FROM STDIN` fed with these text-format lines (`copyText`), answered as `[{ n }]`.
 */
export interface PgStmt {
  sql: string;
  params: readonly unknown[];
  count?: boolean;
  copy?: string;
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
  copy(sql: string, data: string): Promise<number>;
}

export function runSteps<T>(db: PgSql, steps: PgSteps<T>): T {
  let r = steps.next();
  while (!r.done) {
    const s = r.value;
    r = steps.next(s.copy !== undefined ? [{ n: db.copy(s.sql, s.copy) }] : s.count ? [{ n: db.run(s.sql, s.params) }] : db.all(s.sql, s.params));
  }
  return r.value;
}

export async function runStepsAsync<T>(q: PgAsyncSql, steps: PgSteps<T>): Promise<T> {
  let r = steps.next();
  while (!r.done) {
    const s = r.value;
    r = steps.next(s.copy !== undefined ? [{ n: await q.copy(s.sql, s.copy) }] : s.count ? [{ n: await q.run(s.sql, s.params) }] : await q.all(s.sql, s.params));
  }
  return r.value;
}

/** Rows stored by a `COPY … FROM STDIN` of `data` (text-format lines). */
export function* copyIn(sql: string, data: string): PgSteps<number> {
  const [row] = yield { sql, params: [], copy: data };
  return row.n as number;
}

const COPY_SPECIAL = /[\\\t\n\r\u0000]/;
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\u0000": "" };

/**
 * One value as a field of `COPY … FROM STDIN` text format, stored exactly as `jsonParam` through
 * `json_to_recordset` stores it: NULL (and, as JSON has no NaN or infinity, a non-finite number)
 * is `\N`, booleans `t`/`f`, numbers their shortest round-trip decimal; in strings backslash, tab,
 * newline and carriage return are escaped and U+0000 — which PostgreSQL text cannot hold — is
 * dropped, as `jsonParam` drops it.
 */
export function copyField(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  switch (typeof v) {
    case "string":
      return COPY_SPECIAL.test(v) ? v.replace(/[\\\t\n\r\u0000]/g, (c) => COPY_ESCAPES[c]) : v;
    case "number":
      return Number.isFinite(v) ? String(v) : "\\N";
    case "boolean":
      return v ? "t" : "f";
    default:
      return copyField(JSON.stringify(v));
  }
}

/** Rows as `COPY … FROM STDIN` text format: fields tab-separated, one line each. */
export function copyText(rows: Iterable<readonly unknown[]>): string {
  let out = "";
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) out += (i === 0 ? "" : "\t") + copyField(row[i]);
    out += "\n";
  }
  return out;
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
