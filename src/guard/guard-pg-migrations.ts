import type { Migration } from "../store/migrate.js";

/**
 * PostgreSQL schema steps for this domain (storage/postgres/pg-migrations.ts composes them; decision 0031).
 * The false-positive review list; ids sort bytewise (COLLATE "C") as SQLite's keyset cursor expects.
 */
export const GUARD_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "guard schema",
    sql: `
      CREATE TABLE guard_reviews (
        id TEXT COLLATE "C" PRIMARY KEY,
        trace_id TEXT NOT NULL,
        scanner TEXT NOT NULL,
        source TEXT NOT NULL,
        action TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        findings TEXT,
        model TEXT,
        route TEXT,
        trace_started_at BIGINT NOT NULL,
        excerpt TEXT,
        note TEXT,
        marked_by TEXT NOT NULL,
        marked_at BIGINT NOT NULL,
        status TEXT NOT NULL,
        resolved_by TEXT,
        resolved_at BIGINT,
        resolution_note TEXT,
        UNIQUE (trace_id, scanner, source)
      );
      CREATE INDEX guard_reviews_marked ON guard_reviews (marked_at DESC, id DESC);
      CREATE INDEX guard_reviews_status ON guard_reviews (status, marked_at DESC);
      CREATE INDEX guard_reviews_scanner ON guard_reviews (scanner, route, trace_started_at);
    `,
  },
];
