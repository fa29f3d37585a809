import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS, type Migration } from "./migrations.js";

export type SqliteDb = Database.Database;

/**
 * Opens (creating when missing) the one SQLite file Keel keeps in its data dir, in WAL mode so
 * that readers (admin API, CLI) never block the trace writer, and brings its schema up to date.
 */
export function openSqlite(dataDir: string, file = "keel.db"): SqliteDb {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, file));
  configure(db);
  migrate(db);
  return db;
}

/** An in-memory database with the same schema, for tests. */
export function openMemorySqlite(): SqliteDb {
  const db = new Database(":memory:");
  configure(db);
  migrate(db);
  return db;
}

function configure(db: SqliteDb): void {
  db.pragma("journal_mode = WAL");
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
}

export function migrate(db: SqliteDb, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this Keel (${latest}); upgrade Keel`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return latest;
}
