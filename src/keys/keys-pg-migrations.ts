import type { Migration } from "../store/migrate.js";

/** PostgreSQL schema steps for virtual keys (storage/postgres/pg-migrations.ts composes them; decision 0031). */
export const KEY_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keel schema",
    sql: `
      CREATE TABLE virtual_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        hint TEXT NOT NULL,
        models TEXT,
        user_id TEXT,
        team TEXT,
        created_at BIGINT NOT NULL,
        expires_at BIGINT,
        revoked_at BIGINT,
        metadata TEXT NOT NULL DEFAULT '{}',
        limits TEXT,
        role TEXT NOT NULL DEFAULT 'gateway'
      );
    `,
  },
];
