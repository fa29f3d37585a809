import type { Migration } from "../migrate.js";
import type { PgSql } from "./pg-bridge.js";

/**
 * Versioned PostgreSQL migrations (decision 0031). The applied versions live in
 * `keel_schema_migrations`; a run holds a session advisory lock, so several instances starting at
 * once apply each step exactly once (the others wait, then find nothing to do). Each step runs in
 * its own transaction with its version row: a step that fails rolls back and leaves the schema at
 * the last good version.
 */

/** The advisory lock's key: 'keel' in ASCII, then the schema-version domain. */
export const MIGRATION_LOCK_KEY = 0x6b65656c;

export interface PgMigrationStatus {
  current: number;
  latest: number;
  applied: { version: number; name: string; appliedAt: number }[];
  pending: { version: number; name: string }[];
}

const TABLE = `CREATE TABLE IF NOT EXISTS keel_schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

export function postgresMigrationStatus(db: PgSql, migrations: readonly Migration[]): PgMigrationStatus {
  const exists = db.get<{ t: string | null }>("SELECT to_regclass('keel_schema_migrations')::text AS t");
  const applied = exists?.t
    ? db.all<{ version: number; name: string; applied_at: number }>("SELECT version, name, applied_at FROM keel_schema_migrations ORDER BY version")
    : [];
  const current = applied.length ? applied[applied.length - 1].version : 0;
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  return {
    current,
    latest,
    applied: applied.map((a) => ({ version: a.version, name: a.name, appliedAt: a.applied_at })),
    pending: migrations.filter((m) => m.version > current).map((m) => ({ version: m.version, name: m.name })),
  };
}

/**
 * Brings the schema up to the last of `migrations` and returns `{ from, to }`. A schema newer than
 * this Keel is refused. `lockKey` defaults to the shared key; tests on their own schema pass one of
 * their own so suites in parallel do not queue behind each other.
 */
export function migratePostgres(db: PgSql, migrations: readonly Migration[], lockKey = MIGRATION_LOCK_KEY): { from: number; to: number } {
  return db.session((conn) => {
    conn.get("SELECT pg_advisory_lock($1)", [lockKey]);
    try {
      conn.exec(TABLE);
      const from = postgresMigrationStatus(conn, migrations).current;
      const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
      if (from > latest) throw new Error(`database schema version ${from} is newer than this Keel (${latest}); upgrade Keel`);
      for (const m of migrations) {
        if (m.version <= from) continue;
        try {
          conn.transaction((tx) => {
            tx.exec(m.sql);
            tx.run("INSERT INTO keel_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [m.version, m.name, Date.now()]);
          });
        } catch (err) {
          throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed and was rolled back: ${(err as Error).message}`, { cause: err });
        }
      }
      return { from, to: Math.max(from, latest) };
    } finally {
      conn.get("SELECT pg_advisory_unlock($1)", [lockKey]);
    }
  });
}

/** Empties every table of the current schema but the migration record (tests: a fresh store per case). */
export function truncateAll(db: PgSql, schema: string): void {
  const tables = db
    .all<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 AND tablename <> 'keel_schema_migrations'", [schema])
    .map((r) => `"${r.t}"`);
  if (tables.length) db.exec(`TRUNCATE ${tables.join(", ")} RESTART IDENTITY CASCADE`);
}
