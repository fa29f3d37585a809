import type { Migration } from "../store/migrate.js";

/**
 * Stored Responses API responses (`responses`). Append only: a released migration is never edited;
 * a change is a new entry with the next free global version (`store/migrate.ts` explains the numbering).
 */
export const RESPONSE_MIGRATIONS: readonly Migration[] = [
  {
    version: 16,
    name: "the inbound surface (wire format) of each call on traces; stored Responses API responses",
    sql: `
      CREATE TABLE responses (
        id TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        response TEXT NOT NULL,
        conversation TEXT NOT NULL
      );
      CREATE INDEX responses_created ON responses (created_at);
    `,
  },
];
