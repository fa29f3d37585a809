import type { Migration } from "../store/migrate.js";

/**
 * Alert rules, states and notifications with their webhook delivery outcomes.
 * Append only: a released migration is never edited; a change is a new entry with the next free
 * global version (`store/migrate.ts` explains the numbering).
 */
export const ALERT_MIGRATIONS: readonly Migration[] = [
  {
    version: 7,
    name: "observability: recent-score index for /metrics; alert rules, states, notifications; incidents; OTLP spans; system_fingerprint on traces",
    sql: `
      CREATE TABLE alert_rules (
        name TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE alert_states (
        rule TEXT PRIMARY KEY,
        body TEXT NOT NULL
      );
      CREATE TABLE alert_notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        rule TEXT NOT NULL,
        episode INTEGER NOT NULL,
        type TEXT NOT NULL,
        at INTEGER NOT NULL,
        silenced INTEGER NOT NULL,
        owner TEXT NOT NULL,
        UNIQUE (rule, episode, type)
      );
      CREATE INDEX alert_notifications_at ON alert_notifications (at DESC);
    `,
  },
  {
    version: 11,
    name: "alert webhook delivery: a stable delivery id per notification, its status, attempts and last error",
    sql: `
      ALTER TABLE alert_notifications ADD COLUMN delivery_id TEXT;
      ALTER TABLE alert_notifications ADD COLUMN delivery_status TEXT;
      ALTER TABLE alert_notifications ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alert_notifications ADD COLUMN last_http_status INTEGER;
      ALTER TABLE alert_notifications ADD COLUMN last_error TEXT;
      ALTER TABLE alert_notifications ADD COLUMN delivery_updated_at INTEGER;
      CREATE UNIQUE INDEX alert_notifications_delivery ON alert_notifications (delivery_id);
    `,
  },
];
