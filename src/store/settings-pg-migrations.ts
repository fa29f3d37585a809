import type { Migration } from "./migrate.js";

/** PostgreSQL schema steps for installation settings (storage/postgres/pg-migrations.ts composes them; decision 0031). */
export const SETTINGS_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keel schema",
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
    `,
  },
];
