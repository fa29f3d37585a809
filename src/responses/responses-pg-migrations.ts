import type { Migration } from "../store/migrate.js";

/** PostgreSQL schema steps for this domain (storage/postgres/pg-migrations.ts composes them; decision 0031). */
export const RESPONSE_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "responses schema",
    sql: `
      CREATE TABLE responses (
        id TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        response TEXT NOT NULL,
        conversation TEXT NOT NULL
      );
      CREATE INDEX responses_created ON responses (created_at);
    `,
  },
];
