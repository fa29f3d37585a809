import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type Migration, migrate } from "./migrate.js";

export type SqliteDb = Database.Database;

/**
 * Opens (creating when missing) a SQLite file in the data dir, in WAL mode so that readers (admin
 * API, CLI) never block the trace writer, and brings its schema up to `migrations` — every
 * domain's, composed in `storage/migrations.ts`. With `null` it does not migrate: a second
 * connection (the trace writer's thread) opened after the first one migrated.
 */
export function openSqliteFile(dataDir: string, file: string, migrations: readonly Migration[] | null): SqliteDb {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, file));
  configure(db);
  if (migrations) migrate(db, migrations);
  return db;
}

/** An in-memory database with the given schema, for tests. */
export function openMemorySqliteWith(migrations: readonly Migration[]): SqliteDb {
  const db = new Database(":memory:");
  configure(db);
  migrate(db, migrations);
  return db;
}

/**
 * A read-only connection to an existing database (the analytics thread's): WAL lets it read while
 * the writer writes; it never migrates.
 */
export function openReadonlySqlite(dataDir: string, file = "keel.db"): SqliteDb {
  const db = new Database(join(dataDir, file), { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  return db;
}

function configure(db: SqliteDb): void {
  db.pragma("journal_mode = WAL");
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
}

/** The schema version of an existing SQLite file, read without migrating it (`keel migrate --status`). */
export function sqliteSchemaVersion(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma("user_version", { simple: true }) as number;
  } finally {
    db.close();
  }
}
