import { openMemorySqliteWith, openSqliteFile, type SqliteDb } from "../store/sqlite.js";
import { MIGRATIONS } from "./migrations.js";

/** Opens (creating when missing) `<dataDir>/<file>` with every domain's schema, migrated to the latest version. */
export function openSqlite(dataDir: string, file = "keel.db"): SqliteDb {
  return openSqliteFile(dataDir, file, MIGRATIONS);
}

/** An in-memory database with every domain's schema, for tests. */
export function openMemorySqlite(): SqliteDb {
  return openMemorySqliteWith(MIGRATIONS);
}
