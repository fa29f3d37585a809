import type { Migration } from "../store/migrate.js";

/**
 * Evaluation: datasets, runs, results, output cache, ratings, calibrations, online rules, trace scores, feedback.
 * Append only: a released migration is never edited; a change is a new entry with the next free
 * global version (`store/migrate.ts` explains the numbering).
 */
export const EVAL_MIGRATIONS: readonly Migration[] = [
  {
    version: 6,
    name: "evals: datasets, runs, results, output cache, ratings, calibrations, online rules, trace scores, feedback",
    sql: `
      CREATE TABLE eval_datasets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT,
        created_at INTEGER NOT NULL,
        latest_version INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE eval_dataset_versions (
        dataset_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        note TEXT,
        item_count INTEGER NOT NULL,
        added INTEGER NOT NULL,
        removed INTEGER NOT NULL,
        PRIMARY KEY (dataset_id, version)
      );
      CREATE TABLE eval_dataset_items (
        dataset_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        added_in INTEGER NOT NULL,
        removed_in INTEGER,
        hash TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (dataset_id, item_id, added_in)
      );
      CREATE INDEX eval_dataset_items_pos ON eval_dataset_items (dataset_id, pos);
      CREATE TABLE eval_runs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        dataset TEXT,
        dataset_version INTEGER,
        config TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        cost_usd REAL NOT NULL DEFAULT 0,
        summary TEXT,
        metadata TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX eval_runs_started ON eval_runs (started_at DESC);
      CREATE TABLE eval_results (
        run_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        repeat INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (run_id, item_id, repeat)
      );
      CREATE TABLE eval_output_cache (
        key TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE eval_ratings (
        set_name TEXT NOT NULL,
        rater TEXT NOT NULL,
        item_id TEXT NOT NULL,
        score REAL NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (set_name, rater, item_id)
      );
      CREATE TABLE eval_calibrations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        judge TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        calibrated INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX eval_calibrations_judge ON eval_calibrations (judge, id DESC);
      CREATE TABLE eval_online_rules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        enabled INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE trace_scores (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        trace_id TEXT NOT NULL,
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        rule_id TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        score REAL,
        passed INTEGER,
        label TEXT NOT NULL,
        explanation TEXT NOT NULL,
        cost_usd REAL NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        UNIQUE (trace_id, name, source, rule_id)
      );
      CREATE INDEX trace_scores_trace ON trace_scores (trace_id);
      CREATE INDEX trace_scores_name ON trace_scores (name, created_at DESC);
      CREATE TABLE trace_feedback (
        id TEXT PRIMARY KEY,
        trace_id TEXT NOT NULL,
        key_id TEXT,
        thumbs INTEGER,
        score REAL,
        comment TEXT,
        correction TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX trace_feedback_trace ON trace_feedback (trace_id, created_at);
    `,
  },
  {
    version: 7,
    name: "observability: recent-score index for /metrics; alert rules, states, notifications; incidents; OTLP spans; system_fingerprint on traces",
    sql: `
      CREATE INDEX trace_scores_created ON trace_scores (created_at);
    `,
  },
];
