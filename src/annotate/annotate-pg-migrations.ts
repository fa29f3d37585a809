import type { Migration } from "../store/migrate.js";

/**
 * PostgreSQL schema steps for this domain (storage/postgres/pg-migrations.ts composes them; decision 0031).
 * Text sort keys are COLLATE "C": queues list by name and labels tie on reviewer bytewise, as in SQLite.
 */
export const ANNOTATE_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "annotate schema",
    sql: `
      CREATE TABLE annotation_queues (
        id TEXT PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE TABLE annotation_items (
        queue_id TEXT NOT NULL REFERENCES annotation_queues (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position BIGINT NOT NULL,
        trace_id TEXT NOT NULL,
        state TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (queue_id, id)
      );
      CREATE INDEX annotation_items_position ON annotation_items (queue_id, position);
      CREATE TABLE annotation_labels (
        queue_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        reviewer TEXT COLLATE "C" NOT NULL,
        at BIGINT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (queue_id, item_id, reviewer),
        FOREIGN KEY (queue_id, item_id) REFERENCES annotation_items (queue_id, id) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 3,
    name: "annotation exports: immutable, content-addressed export records",
    sql: `
      CREATE TABLE annotation_exports (
        hash TEXT COLLATE "C" PRIMARY KEY,
        created_at BIGINT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX annotation_exports_created ON annotation_exports (created_at);
    `,
  },
];
