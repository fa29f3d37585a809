import type { Migration } from "../store/migrate.js";

/**
 * Incidents (firing alert episodes) and the upstream drift canary's baselines and runs.
 * Append only: a released migration is never edited; a change is a new entry with the next free
 * global version (`store/migrate.ts` explains the numbering).
 */
export const INCIDENT_MIGRATIONS: readonly Migration[] = [
  {
    version: 7,
    name: "observability: recent-score index for /metrics; alert rules, states, notifications; incidents; OTLP spans; system_fingerprint on traces",
    sql: `
      CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        episode INTEGER NOT NULL,
        fired_at INTEGER NOT NULL,
        resolved_at INTEGER,
        body TEXT NOT NULL,
        UNIQUE (rule, episode)
      );
      CREATE INDEX incidents_fired ON incidents (fired_at DESC);
    `,
  },
  {
    version: 8,
    name: "upstream drift canary: baselines per (model, prompt) and run history",
    sql: `
      CREATE TABLE drift_baselines (
        model TEXT NOT NULL,
        prompt TEXT NOT NULL,
        answer TEXT NOT NULL,
        embedding TEXT,
        served TEXT,
        fingerprint TEXT,
        scores TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (model, prompt)
      );
      CREATE TABLE drift_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        model TEXT NOT NULL,
        drifted INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX drift_runs_at ON drift_runs (at);
    `,
  },
];
