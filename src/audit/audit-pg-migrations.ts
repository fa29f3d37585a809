import type { Migration } from "../store/migrate.js";

/** PostgreSQL schema steps for the hash-chained audit log (storage/postgres/pg-migrations.ts composes them; decision 0031). */
export const AUDIT_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keel schema",
    sql: `
      CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY,
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        role TEXT,
        action TEXT NOT NULL,
        target_type TEXT NOT NULL,
        target TEXT NOT NULL,
        before TEXT,
        after TEXT,
        reason TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX audit_log_target ON audit_log (target_type, target, seq);
      CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq BIGINT NOT NULL,
        hash TEXT NOT NULL
      );
    `,
  },
];
