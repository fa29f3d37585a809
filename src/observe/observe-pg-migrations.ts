import type { Migration } from "../store/migrate.js";

/**
 * PostgreSQL schema steps for this domain (storage/postgres/pg-migrations.ts composes them; decision 0031).
 * Traces are partitioned by UTC day on `started_at` (pg-trace-partitions.ts creates each day's
 * partition before the first insert into it, retention drops whole days). A partitioned table's
 * keys must hold the partition key, so id uniqueness ("a repeated id is ignored") lives in
 * `trace_ids`, which also finds a trace's day for `get(id)`. Bodies, attempts and guard verdicts
 * are TEXT, not packed as SQLite packs them (packed-json.ts): the dictionary DEFLATE costs ~0.1 ms
 * of CPU per value, which here would run on the gateway's event loop, and PostgreSQL compresses
 * (TOAST) large values itself.
 */
export const TRACE_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "traces (partitioned by day), trace ids, rollups, OTLP spans, guard verdict statistics",
    sql: `
      CREATE TABLE trace_ids (
        id TEXT PRIMARY KEY,
        started_at BIGINT NOT NULL
      );
      CREATE INDEX trace_ids_started ON trace_ids (started_at);
      CREATE TABLE traces (
        id TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        ended_at BIGINT NOT NULL,
        endpoint TEXT NOT NULL,
        surface TEXT,
        key_id TEXT,
        user_id TEXT,
        feature TEXT,
        model_requested TEXT NOT NULL,
        model_served TEXT,
        provider TEXT,
        status TEXT NOT NULL,
        http_status BIGINT NOT NULL,
        error_code TEXT,
        error_message TEXT,
        latency_ms DOUBLE PRECISION NOT NULL,
        ttft_ms DOUBLE PRECISION,
        tokens_in BIGINT NOT NULL DEFAULT 0,
        tokens_out BIGINT NOT NULL DEFAULT 0,
        tokens_cached BIGINT NOT NULL DEFAULT 0,
        usage_source TEXT NOT NULL,
        cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
        stream BOOLEAN NOT NULL,
        trace_id TEXT,
        parent_span_id TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        request_body TEXT,
        response_body TEXT,
        target TEXT,
        attempts TEXT NOT NULL,
        prompt_name TEXT,
        prompt_version BIGINT,
        prompt_label TEXT,
        guard TEXT,
        system_fingerprint TEXT,
        guard_triggered BOOLEAN,
        pii_kept BOOLEAN NOT NULL DEFAULT false,
        PRIMARY KEY (started_at, id)
      ) PARTITION BY RANGE (started_at);
      CREATE INDEX traces_key ON traces (key_id, started_at DESC);
      CREATE INDEX traces_model ON traces (model_requested, started_at DESC);
      CREATE INDEX traces_feature ON traces (feature, started_at DESC);
      CREATE INDEX traces_trace_id ON traces (trace_id);
      CREATE TABLE trace_rollup_minute (
        dim TEXT NOT NULL,
        bucket BIGINT NOT NULL,
        value TEXT NOT NULL,
        requests BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        tokens_in BIGINT NOT NULL,
        tokens_out BIGINT NOT NULL,
        cost_usd DOUBLE PRECISION NOT NULL,
        cache_hits BIGINT NOT NULL,
        guard_triggers BIGINT NOT NULL,
        latency BYTEA NOT NULL,
        ttft BYTEA NOT NULL,
        tps BYTEA NOT NULL,
        PRIMARY KEY (dim, bucket, value)
      );
      CREATE TABLE trace_rollup_hour (
        dim TEXT NOT NULL,
        bucket BIGINT NOT NULL,
        value TEXT NOT NULL,
        requests BIGINT NOT NULL,
        errors BIGINT NOT NULL,
        tokens_in BIGINT NOT NULL,
        tokens_out BIGINT NOT NULL,
        cost_usd DOUBLE PRECISION NOT NULL,
        cache_hits BIGINT NOT NULL,
        guard_triggers BIGINT NOT NULL,
        latency BYTEA NOT NULL,
        ttft BYTEA NOT NULL,
        tps BYTEA NOT NULL,
        PRIMARY KEY (dim, bucket, value)
      );
      CREATE TABLE trace_rollup_state (
        id BIGINT PRIMARY KEY CHECK (id = 1),
        covered_from BIGINT NOT NULL
      );
      INSERT INTO trace_rollup_state (id, covered_from) VALUES (1, 0);
      CREATE TABLE otel_spans (
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        parent_span_id TEXT,
        name TEXT NOT NULL,
        kind BIGINT NOT NULL,
        start_ms DOUBLE PRECISION NOT NULL,
        end_ms DOUBLE PRECISION NOT NULL,
        status_code BIGINT NOT NULL,
        service TEXT,
        attributes TEXT NOT NULL,
        PRIMARY KEY (trace_id, span_id)
      );
      CREATE INDEX otel_spans_start ON otel_spans (start_ms);
      CREATE TABLE guard_verdicts (
        trace_id TEXT NOT NULL,
        started_at BIGINT NOT NULL,
        route TEXT NOT NULL,
        key_id TEXT,
        feature TEXT,
        scanner TEXT NOT NULL,
        source TEXT NOT NULL,
        action TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        triggered BOOLEAN NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL
      );
      CREATE INDEX guard_verdicts_started ON guard_verdicts (started_at);
      CREATE INDEX guard_verdicts_scanner ON guard_verdicts (scanner, route, started_at);
      CREATE INDEX guard_verdicts_trace ON guard_verdicts (trace_id);
      CREATE TABLE guard_stats_minute (
        minute BIGINT NOT NULL,
        route TEXT NOT NULL,
        scanner TEXT NOT NULL,
        screened BIGINT NOT NULL,
        triggered BIGINT NOT NULL,
        block BIGINT NOT NULL,
        redact BIGINT NOT NULL,
        flag BIGINT NOT NULL,
        log BIGINT NOT NULL,
        verdicts BIGINT NOT NULL,
        latency_sum DOUBLE PRECISION NOT NULL,
        latency_max DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (minute, route, scanner)
      );
    `,
  },
];
