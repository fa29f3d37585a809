import type { Migration } from "../store/migrate.js";

/**
 * Virtual keys (`virtual_keys`): their limits and roles came later.
 * Append only: a released migration is never edited; a change is a new entry with the next free
 * global version (`store/migrate.ts` explains the numbering).
 */
export const KEY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keys, settings, credentials, traces",
    sql: `
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
    `,
  },
  {
    version: 3,
    name: "limits: per-key limits, daily spend, budget events",
    sql: `
      ALTER TABLE virtual_keys ADD COLUMN limits TEXT;
    `,
  },
  {
    version: 9,
    name: "virtual key roles: gateway (calls models) or viewer (reads the admin API and dashboard)",
    sql: `
      ALTER TABLE virtual_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'gateway';
    `,
  },
];
