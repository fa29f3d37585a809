import type { Migration } from "../store/migrate.js";

/** PostgreSQL schema steps for encrypted provider credentials (storage/postgres/pg-migrations.ts composes them; decision 0031). */
export const CREDENTIAL_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keel schema",
    sql: `
      CREATE TABLE credentials (
        name TEXT PRIMARY KEY,
        ciphertext TEXT NOT NULL,
        hint TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
    `,
  },
];
