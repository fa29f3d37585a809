import type { Migration } from "../store/migrate.js";

/**
 * The prompt registry: versions, labels, label moves, rollouts.
 * Append only: a released migration is never edited; a change is a new entry with the next free
 * global version (`store/migrate.ts` explains the numbering).
 */
export const PROMPT_MIGRATIONS: readonly Migration[] = [
  {
    version: 4,
    name: "prompt registry, rollouts, audit log; prompt columns on traces",
    sql: `
      CREATE TABLE prompt_versions (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        hash TEXT NOT NULL,
        type TEXT NOT NULL,
        content TEXT NOT NULL,
        message TEXT,
        author TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (name, version)
      );
      CREATE TABLE prompt_labels (
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (name, label),
        FOREIGN KEY (name, version) REFERENCES prompt_versions (name, version)
      );
      CREATE TABLE prompt_label_moves (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        from_version INTEGER,
        to_version INTEGER,
        kind TEXT NOT NULL,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT
      );
      CREATE INDEX prompt_label_moves_label ON prompt_label_moves (name, label, id DESC);
      CREATE TABLE prompt_rollouts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        from_version INTEGER NOT NULL,
        to_version INTEGER NOT NULL,
        steps TEXT NOT NULL,
        step_index INTEGER NOT NULL,
        status TEXT NOT NULL,
        settings TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        step_started_at INTEGER NOT NULL,
        ended_at INTEGER,
        actor TEXT NOT NULL,
        reason TEXT,
        outcome TEXT
      );
      CREATE UNIQUE INDEX prompt_rollouts_one_running ON prompt_rollouts (name, label) WHERE status = 'running';
      CREATE INDEX prompt_rollouts_started ON prompt_rollouts (name, started_at DESC);
    `,
  },
];
