import type { Migration } from "./migrate.js";

/**
 * Installation settings (`settings`).
 * Append only: a released migration is never edited; a change is a new entry with the next free
 * global version (`store/migrate.ts` explains the numbering).
 */
export const SETTINGS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keys, settings, credentials, traces",
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
];
