import type { Migration } from "../store/migrate.js";

/**
 * Guardrail verdicts, their per-minute statistics, and the false-positive review list.
 * Append only: a released migration is never edited; a change is a new entry with the next free
 * global version (`store/migrate.ts` explains the numbering).
 */
export const GUARD_MIGRATIONS: readonly Migration[] = [
  {
    version: 5,
    name: "guardrail verdicts: on traces, and one row per scanner for trigger-rate statistics",
    sql: `
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
];
