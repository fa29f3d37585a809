import type { Migration } from "../store/migrate.js";

/**
 * Daily spend (`spend_daily`) and budget events (`budget_events`).
 * Append only: a released migration is never edited; a change is a new entry with the next free
 * global version (`store/migrate.ts` explains the numbering).
 */
export const LIMIT_MIGRATIONS: readonly Migration[] = [
  {
    version: 3,
    name: "limits: per-key limits, daily spend, budget events",
    sql: `
      CREATE TABLE spend_daily (
        day TEXT NOT NULL,
        key_id TEXT NOT NULL DEFAULT '',
        user_id TEXT NOT NULL DEFAULT '',
        team TEXT NOT NULL DEFAULT '',
        feature TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        requests INTEGER NOT NULL DEFAULT 0,
        tokens_in INTEGER NOT NULL DEFAULT 0,
        tokens_out INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (day, key_id, user_id, team, feature, model)
      ) WITHOUT ROWID;
      CREATE INDEX spend_daily_key ON spend_daily (key_id, day);
      CREATE TABLE budget_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        budget TEXT NOT NULL,
        scope TEXT NOT NULL,
        period TEXT NOT NULL,
        period_id TEXT NOT NULL,
        limit_usd REAL NOT NULL,
        spent_usd REAL NOT NULL
      );
      CREATE INDEX budget_events_at ON budget_events (at DESC);
    `,
  },
];
