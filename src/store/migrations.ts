/**
 * Versioned schema migrations for the embedded SQLite store. Append only: a released migration is
 * never edited; a change is a new entry. `user_version` records how far a database has come.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "keys, settings, credentials, traces",
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
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
      CREATE TABLE credentials (
        name TEXT PRIMARY KEY,
        ciphertext TEXT NOT NULL,
        hint TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
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
    version: 3,
    name: "limits: per-key limits, daily spend, budget events",
    sql: `
      ALTER TABLE virtual_keys ADD COLUMN limits TEXT;
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
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        role TEXT,
        action TEXT NOT NULL,
        target_type TEXT NOT NULL,
        target TEXT NOT NULL,
        before TEXT,
        after TEXT,
        reason TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX audit_log_target ON audit_log (target_type, target, seq);
      CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
      );
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
      CREATE TABLE guard_verdicts (
        trace_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        route TEXT NOT NULL,
        key_id TEXT,
        feature TEXT,
        scanner TEXT NOT NULL,
        source TEXT NOT NULL,
        action TEXT NOT NULL,
        score REAL NOT NULL,
        triggered INTEGER NOT NULL,
        latency_ms REAL NOT NULL
      );
      CREATE INDEX guard_verdicts_started ON guard_verdicts (started_at);
      CREATE INDEX guard_verdicts_scanner ON guard_verdicts (scanner, route, started_at);
    `,
  },
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
  {
    version: 9,
    name: "virtual key roles: gateway (calls models) or viewer (reads the admin API and dashboard)",
    sql: `
      ALTER TABLE virtual_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'gateway';
    `,
  },
  {
    version: 10,
    name: "guardrail false positives: verdicts marked by a reviewer, with what the trace held at marking time",
    sql: `
      CREATE TABLE guard_reviews (
        id TEXT PRIMARY KEY,
        trace_id TEXT NOT NULL,
        scanner TEXT NOT NULL,
        source TEXT NOT NULL,
        action TEXT NOT NULL,
        score REAL NOT NULL,
        findings TEXT,
        model TEXT,
        route TEXT,
        trace_started_at INTEGER NOT NULL,
        excerpt TEXT,
        note TEXT,
        marked_by TEXT NOT NULL,
        marked_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        resolved_by TEXT,
        resolved_at INTEGER,
        resolution_note TEXT,
        UNIQUE (trace_id, scanner, source)
      );
      CREATE INDEX guard_reviews_marked ON guard_reviews (marked_at DESC, id DESC);
      CREATE INDEX guard_reviews_status ON guard_reviews (status, marked_at DESC);
      CREATE INDEX guard_reviews_scanner ON guard_reviews (scanner, route, trace_started_at);
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
  {
    version: 12,
    name: "guardrail statistics rolled up per minute; only triggered verdicts kept as rows",
    sql: `
      CREATE TABLE guard_stats_minute (
        minute INTEGER NOT NULL,
        route TEXT NOT NULL,
        scanner TEXT NOT NULL,
        screened INTEGER NOT NULL,
        triggered INTEGER NOT NULL,
        block INTEGER NOT NULL,
        redact INTEGER NOT NULL,
        flag INTEGER NOT NULL,
        log INTEGER NOT NULL,
        verdicts INTEGER NOT NULL,
        latency_sum REAL NOT NULL,
        latency_max REAL NOT NULL,
        PRIMARY KEY (minute, route, scanner)
      ) WITHOUT ROWID;
      INSERT INTO guard_stats_minute
        SELECT started_at / 60000, route, scanner, COUNT(DISTINCT trace_id),
               COUNT(DISTINCT CASE WHEN triggered = 1 THEN trace_id END),
               SUM(triggered = 1 AND action = 'block'), SUM(triggered = 1 AND action = 'redact'),
               SUM(triggered = 1 AND action = 'flag'), SUM(triggered = 1 AND action = 'log'),
               COUNT(*), SUM(latency_ms), MAX(latency_ms)
        FROM guard_verdicts GROUP BY started_at / 60000, route, scanner;
      DELETE FROM guard_verdicts WHERE triggered = 0;
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
];
