import Database from "better-sqlite3";
import type { PgSql } from "../store/postgres/pg-bridge.js";

/** Tables that are derived or SQLite-internal: never copied (and never compared). */
const SKIP = new Set(["sqlite_sequence", "keel_schema_migrations"]);

export interface CopyTableResult {
  table: string;
  source: number;
  copied: number;
}

export interface CopyResult {
  tables: CopyTableResult[];
  /** Tables the SQLite file has and PostgreSQL has not (nothing of them is copied). */
  onlyInSource: string[];
}

export interface CopyOptions {
  /** Rows per INSERT (bounded by PostgreSQL's 65 535 parameters per statement). */
  batchRows?: number;
  onTable?: (r: CopyTableResult) => void;
  /**
   * Tables whose SQLite rows are encoded (trace bodies are dictionary-compressed blobs there, text in
   * PostgreSQL): copied by reading through the SQLite store and writing through the PostgreSQL one.
   */
  through?: Readonly<Record<string, (src: Database.Database, db: PgSql) => void>>;
}

interface PgColumn { name: string; type: string; hasSerial: boolean }

/**
 * Copies every table of an embedded install's SQLite file into a migrated, empty PostgreSQL schema
 * with the same table and column names (decision 0031), in foreign-key order, in ONE transaction:
 * the copy lands whole or not at all. Row counts are compared per table before it commits, and
 * serial columns' sequences are moved past the copied ids.
 */
export function copySqliteToPostgres(sqliteFile: string, db: PgSql, o: CopyOptions = {}): CopyResult {
  const src = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    const sourceTables = (src.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
      .map((r) => r.name)
      .filter((n) => !SKIP.has(n) && !n.startsWith("sqlite_"));
    const pgTables = new Set(
      db.all<{ t: string }>(`SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition`).map((r) => r.t),
    );
    const onlyInSource = sourceTables.filter((t) => !pgTables.has(t)).sort();
    const order = fkOrder(db, sourceTables.filter((t) => pgTables.has(t)));
    const busy = order.filter((t) => db.get(`SELECT 1 AS x FROM "${t}" LIMIT 1`) !== undefined);
    if (busy.length) throw new Error(`the target is not empty (rows in ${busy.slice(0, 5).join(", ")}${busy.length > 5 ? ", …" : ""}); copy into a freshly migrated database`);
    const tables: CopyTableResult[] = [];
    db.transaction((tx) => {
      for (const table of order) {
        let r: CopyTableResult;
        try {
          r = copyTable(src, tx, table, o);
        } catch (err) {
          throw new Error(`copying table ${table} failed, nothing was committed: ${(err as Error).message}`, { cause: err });
        }
        tables.push(r);
        o.onTable?.(r);
      }
      const short = tables.filter((t) => t.copied !== t.source);
      if (short.length) throw new Error(`row counts differ after the copy (${short.map((s) => `${s.table}: ${s.source} → ${s.copied}`).join(", ")}); nothing was committed`);
    });
    return { tables, onlyInSource };
  } finally {
    src.close();
  }
}

function copyTable(src: Database.Database, db: PgSql, table: string, o: CopyOptions): CopyTableResult {
  const pgCols = db.all<PgColumn>(
    `SELECT column_name AS name, data_type AS type, coalesce(column_default LIKE 'nextval(%', false) OR is_identity = 'YES' AS "hasSerial"
     FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const srcCols = new Set((src.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name));
  const cols = pgCols.filter((c) => srcCols.has(c.name));
  const source = (src.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  const custom = o.through?.[table];
  if (custom) {
    custom(src, db);
    return { table, source, copied: db.get<{ n: number }>(`SELECT count(*)::int8 AS n FROM "${table}"`)!.n };
  }
  const per = Math.max(1, Math.min(o.batchRows ?? 1000, Math.floor(60_000 / Math.max(1, cols.length))));
  const list = cols.map((c) => `"${c.name}"`).join(", ");
  const conv = cols.map((c) => converter(c.type));
  const read = src.prepare(`SELECT ${list} FROM "${table}"`).raw(true);
  let batch: unknown[][] = [];
  const flush = (): void => {
    if (!batch.length) return;
    const params: unknown[] = [];
    const values = batch.map((row) => `(${row.map((v, i) => `$${params.push(conv[i](v))}`).join(", ")})`).join(", ");
    db.run(`INSERT INTO "${table}" (${list}) VALUES ${values}`, params);
    batch = [];
  };
  for (const row of read.iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    if (batch.length >= per) flush();
  }
  flush();
  for (const c of cols.filter((x) => x.hasSerial)) {
    db.get(`SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max("${c.name}") FROM "${table}"), 1))`, [`"${table}"`, c.name]);
  }
  const copied = db.get<{ n: number }>(`SELECT count(*)::int8 AS n FROM "${table}"`)!.n;
  return { table, source, copied };
}

/** SQLite stores booleans as 0/1 and floats where PostgreSQL may hold integers: values as the target column takes them. */
function converter(type: string): (v: unknown) => unknown {
  if (type === "boolean") return (v) => (v === null || v === undefined ? null : Boolean(v));
  if (type === "bigint" || type === "integer" || type === "smallint") return (v) => (typeof v === "number" ? Math.round(v) : v);
  // PostgreSQL text cannot hold U+0000: a rollup's missing slice value (U+0000 in SQLite) is U+0001
  // there (observe/rollup/pg-rollup-store.ts), and a stray NUL elsewhere is dropped, as the trace writer does.
  if (type === "text") return (v) => (typeof v !== "string" ? v : v === "\u0000" ? "\u0001" : v.includes("\u0000") ? v.replaceAll("\u0000", "") : v);
  return (v) => v;
}

/** Tables in an order where each comes after the tables its foreign keys point to. */
function fkOrder(db: PgSql, tables: string[]): string[] {
  const edges = db.all<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'f' AND n.nspname = current_schema() AND NOT c.relispartition`,
  );
  const deps = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) if (e.child !== e.parent && deps.has(e.child) && deps.has(e.parent)) deps.get(e.child)!.add(e.parent);
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string, path: Set<string>): void => {
    if (seen.has(t)) return;
    if (path.has(t)) throw new Error(`foreign keys form a cycle through ${t}`);
    path.add(t);
    for (const d of [...deps.get(t)!].sort()) visit(d, path);
    path.delete(t);
    seen.add(t);
    out.push(t);
  };
  for (const t of [...tables].sort()) visit(t, new Set());
  return out;
}
