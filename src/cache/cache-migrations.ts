import type { Migration } from "../store/migrate.js";

/**
 * The cache's own database file, `<data dir>/cache.db`, apart from keel.db: entries are
 * disposable (deleting the file loses nothing but hits), churn fast, and must not bloat or lock
 * the traces' file. So its versions are its own, starting at 1. Append only.
 */
export const CACHE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "response cache entries",
    sql: `
      CREATE TABLE cache_entries (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        route TEXT NOT NULL,
        model TEXT NOT NULL,
        scope TEXT NOT NULL,
        prompt TEXT
      ) WITHOUT ROWID;
      CREATE INDEX cache_entries_expiry ON cache_entries (expires_at);
    `,
  },
  {
    version: 2,
    name: "semantic part of an entry (context, float32 vector) for the index rebuild at start",
    sql: `
      ALTER TABLE cache_entries ADD COLUMN semantic_context TEXT;
      ALTER TABLE cache_entries ADD COLUMN semantic_vector BLOB;
    `,
  },
];
