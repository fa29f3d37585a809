/**
 * Versioned schema migrations for the embedded SQLite store. Append only: a released migration is
 * never edited; a change is a new entry. `user_version` records how far a database has come.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keys, settings, credentials, traces",
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE virtual_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        hint TEXT NOT NULL,
        models TEXT,
        user_id TEXT,
        team TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        metadata TEXT NOT NULL DEFAULT '{}'
      );
      CREATE TABLE credentials (
        name TEXT PRIMARY KEY,
        ciphertext TEXT NOT NULL,
        hint TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE traces (
        id TEXT PRIMARY KEY,
        started_at INTEGER NOT NULL,
        ended_at INTEGER NOT NULL,
        endpoint TEXT NOT NULL,
        key_id TEXT,
        user_id TEXT,
        feature TEXT,
        model_requested TEXT NOT NULL,
        model_served TEXT,
        provider TEXT,
        status TEXT NOT NULL,
        http_status INTEGER NOT NULL,
        error_code TEXT,
        error_message TEXT,
        latency_ms REAL NOT NULL,
        ttft_ms REAL,
        tokens_in INTEGER NOT NULL DEFAULT 0,
        tokens_out INTEGER NOT NULL DEFAULT 0,
        tokens_cached INTEGER NOT NULL DEFAULT 0,
        usage_source TEXT NOT NULL,
        cost_usd REAL NOT NULL DEFAULT 0,
        stream INTEGER NOT NULL,
        trace_id TEXT,
        parent_span_id TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        request_body TEXT,
        response_body TEXT
      );
      CREATE INDEX traces_started ON traces (started_at DESC);
      CREATE INDEX traces_key ON traces (key_id, started_at DESC);
      CREATE INDEX traces_model ON traces (model_requested, started_at DESC);
      CREATE INDEX traces_feature ON traces (feature, started_at DESC);
      CREATE INDEX traces_status ON traces (status, started_at DESC);
    `,
  },
];
