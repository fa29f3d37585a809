import type { Migration } from "../store/migrate.js";

/**
 * Encrypted provider credentials (`credentials`).
 * Append only: a released migration is never edited; a change is a new entry with the next free
 * global version (`store/migrate.ts` explains the numbering).
 */
export const CREDENTIAL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keys, settings, credentials, traces",
    sql: `
      CREATE TABLE credentials (
        name TEXT PRIMARY KEY,
        ciphertext TEXT NOT NULL,
        hint TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
];
