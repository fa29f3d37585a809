import type { Migration } from "../store/migrate.js";

/**
 * Traces (`traces`), their per-minute and per-hour rollups, and OTLP application spans (`otel_spans`).
 * Append only: a released migration is never edited; a change is a new entry with the next free
 * global version (`store/migrate.ts` explains the numbering).
 */
export const TRACE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keys, settings, credentials, traces",
    sql: `
      CREATE TABLE traces (
        id TEXT PRIMARY KEY,
        started_at INTEGER NOT NULL,
        ended_at INTEGER NOT NULL,
        endpoint TEXT NOT NULL,
        key_id TEXT,
        user_id TEXT,
        feature TEXT,
        model_requested TEXT NOT NULL,
        model_served TEXT,
        provider TEXT,
        status TEXT NOT NULL,
        http_status INTEGER NOT NULL,
        error_code TEXT,
        error_message TEXT,
        latency_ms REAL NOT NULL,
        ttft_ms REAL,
        tokens_in INTEGER NOT NULL DEFAULT 0,
        tokens_out INTEGER NOT NULL DEFAULT 0,
        tokens_cached INTEGER NOT NULL DEFAULT 0,
        usage_source TEXT NOT NULL,
        cost_usd REAL NOT NULL DEFAULT 0,
        stream INTEGER NOT NULL,
        trace_id TEXT,
        parent_span_id TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        request_body TEXT,
        response_body TEXT
      );
      CREATE INDEX traces_started ON traces (started_at DESC);
      CREATE INDEX traces_key ON traces (key_id, started_at DESC);
      CREATE INDEX traces_model ON traces (model_requested, started_at DESC);
      CREATE INDEX traces_feature ON traces (feature, started_at DESC);
      CREATE INDEX traces_status ON traces (status, started_at DESC);
    `,
  },
  {
    version: 2,
    name: "routing: the served target and every attempt on traces",
    sql: `
      ALTER TABLE traces ADD COLUMN target TEXT;
      ALTER TABLE traces ADD COLUMN attempts TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    version: 4,
    name: "prompt registry, rollouts, audit log; prompt columns on traces",
    sql: `
      ALTER TABLE traces ADD COLUMN prompt_name TEXT;
      ALTER TABLE traces ADD COLUMN prompt_version INTEGER;
      ALTER TABLE traces ADD COLUMN prompt_label TEXT;
      CREATE INDEX traces_prompt ON traces (prompt_name, started_at DESC);
    `,
  },
  {
    version: 5,
    name: "guardrail verdicts: on traces, and one row per scanner for trigger-rate statistics",
    sql: `
      ALTER TABLE traces ADD COLUMN guard TEXT;
    `,
  },
  {
    version: 7,
    name: "observability: recent-score index for /metrics; alert rules, states, notifications; incidents; OTLP spans; system_fingerprint on traces",
    sql: `
      CREATE TABLE otel_spans (
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        parent_span_id TEXT,
        name TEXT NOT NULL,
        kind INTEGER NOT NULL,
        start_ms REAL NOT NULL,
        end_ms REAL NOT NULL,
        status_code INTEGER NOT NULL,
        service TEXT,
        attributes TEXT NOT NULL,
        PRIMARY KEY (trace_id, span_id)
      );
      CREATE INDEX otel_spans_start ON otel_spans (start_ms);
      CREATE INDEX traces_trace_id ON traces (trace_id);
      ALTER TABLE traces ADD COLUMN system_fingerprint TEXT;
    `,
  },
  {
    version: 13,
    name: "trace rollups per minute and hour, one dimension at a time, with percentile sketches; how far back they cover",
    sql: `
      CREATE TABLE trace_rollup_minute (
        dim TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        value TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        cost_usd REAL NOT NULL,
        cache_hits INTEGER NOT NULL,
        guard_triggers INTEGER NOT NULL,
        latency BLOB NOT NULL,
        ttft BLOB NOT NULL,
        tps BLOB NOT NULL,
        PRIMARY KEY (dim, bucket, value)
      ) WITHOUT ROWID;
      CREATE TABLE trace_rollup_hour (
        dim TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        value TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        cost_usd REAL NOT NULL,
        cache_hits INTEGER NOT NULL,
        guard_triggers INTEGER NOT NULL,
        latency BLOB NOT NULL,
        ttft BLOB NOT NULL,
        tps BLOB NOT NULL,
        PRIMARY KEY (dim, bucket, value)
      ) WITHOUT ROWID;
      CREATE TABLE trace_rollup_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        covered_from INTEGER NOT NULL
      );
      INSERT INTO trace_rollup_state (id, covered_from) SELECT 1, coalesce(max(started_at) + 1, 0) FROM traces;
    `,
  },
  {
    version: 14,
    name: "smaller trace rows: a guard-triggered flag (the JSON may now be packed), two indexes no query used",
    sql: `
      ALTER TABLE traces ADD COLUMN guard_triggered INTEGER;
      DROP INDEX traces_status;
      DROP INDEX traces_prompt;
    `,
  },
  {
    version: 15,
    name: "personal data at rest: traces stored under capture.pii keep are marked",
    sql: `
      ALTER TABLE traces ADD COLUMN pii_kept INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 16,
    name: "the inbound surface (wire format) of each call on traces; stored Responses API responses",
    sql: `
      ALTER TABLE traces ADD COLUMN surface TEXT;
    `,
  },
];
