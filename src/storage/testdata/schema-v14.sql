-- The schema Keel's migrations 1-14 create (sqlite_master, tables then indexes, by name), captured
-- from the single-file migrations before they were split per domain. Do not edit: tests compare
-- the per-domain migrations against it and open a database built from it.
CREATE TABLE alert_notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        rule TEXT NOT NULL,
        episode INTEGER NOT NULL,
        type TEXT NOT NULL,
        at INTEGER NOT NULL,
        silenced INTEGER NOT NULL,
        owner TEXT NOT NULL, delivery_id TEXT, delivery_status TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_http_status INTEGER, last_error TEXT, delivery_updated_at INTEGER,
        UNIQUE (rule, episode, type)
      );
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
CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
      );
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
CREATE TABLE credentials (
        name TEXT PRIMARY KEY,
        ciphertext TEXT NOT NULL,
        hint TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
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
CREATE TABLE eval_calibrations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        judge TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        calibrated INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
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
CREATE TABLE eval_datasets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT,
        created_at INTEGER NOT NULL,
        latest_version INTEGER NOT NULL DEFAULT 0
      );
CREATE TABLE eval_online_rules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        enabled INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
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
CREATE TABLE eval_results (
        run_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        repeat INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (run_id, item_id, repeat)
      );
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
CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        rule TEXT NOT NULL,
        episode INTEGER NOT NULL,
        fired_at INTEGER NOT NULL,
        resolved_at INTEGER,
        body TEXT NOT NULL,
        UNIQUE (rule, episode)
      );
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
CREATE TABLE prompt_labels (
        name TEXT NOT NULL,
        label TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (name, label),
        FOREIGN KEY (name, version) REFERENCES prompt_versions (name, version)
      );
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
CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
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
CREATE TABLE trace_rollup_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        covered_from INTEGER NOT NULL
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
      , target TEXT, attempts TEXT NOT NULL DEFAULT '[]', prompt_name TEXT, prompt_version INTEGER, prompt_label TEXT, guard TEXT, system_fingerprint TEXT, guard_triggered INTEGER);
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
      , limits TEXT, role TEXT NOT NULL DEFAULT 'gateway');
CREATE INDEX alert_notifications_at ON alert_notifications (at DESC);
CREATE UNIQUE INDEX alert_notifications_delivery ON alert_notifications (delivery_id);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_target ON audit_log (target_type, target, seq);
CREATE INDEX budget_events_at ON budget_events (at DESC);
CREATE INDEX drift_runs_at ON drift_runs (at);
CREATE INDEX eval_calibrations_judge ON eval_calibrations (judge, id DESC);
CREATE INDEX eval_dataset_items_pos ON eval_dataset_items (dataset_id, pos);
CREATE INDEX eval_runs_started ON eval_runs (started_at DESC);
CREATE INDEX guard_reviews_marked ON guard_reviews (marked_at DESC, id DESC);
CREATE INDEX guard_reviews_scanner ON guard_reviews (scanner, route, trace_started_at);
CREATE INDEX guard_reviews_status ON guard_reviews (status, marked_at DESC);
CREATE INDEX guard_verdicts_scanner ON guard_verdicts (scanner, route, started_at);
CREATE INDEX guard_verdicts_started ON guard_verdicts (started_at);
CREATE INDEX incidents_fired ON incidents (fired_at DESC);
CREATE INDEX otel_spans_start ON otel_spans (start_ms);
CREATE INDEX prompt_label_moves_label ON prompt_label_moves (name, label, id DESC);
CREATE UNIQUE INDEX prompt_rollouts_one_running ON prompt_rollouts (name, label) WHERE status = 'running';
CREATE INDEX prompt_rollouts_started ON prompt_rollouts (name, started_at DESC);
CREATE INDEX spend_daily_key ON spend_daily (key_id, day);
CREATE INDEX trace_feedback_trace ON trace_feedback (trace_id, created_at);
CREATE INDEX trace_scores_created ON trace_scores (created_at);
CREATE INDEX trace_scores_name ON trace_scores (name, created_at DESC);
CREATE INDEX trace_scores_trace ON trace_scores (trace_id);
CREATE INDEX traces_feature ON traces (feature, started_at DESC);
CREATE INDEX traces_key ON traces (key_id, started_at DESC);
CREATE INDEX traces_model ON traces (model_requested, started_at DESC);
CREATE INDEX traces_started ON traces (started_at DESC);
CREATE INDEX traces_trace_id ON traces (trace_id);
