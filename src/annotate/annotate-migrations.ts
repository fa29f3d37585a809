import type { Migration } from "../store/migrate.js";

/**
 * Annotation queues (docs/alignment-data.md). Append only: a released migration is never edited;
 * a change is a new entry with the next free global version (`store/migrate.ts`).
 */
export const ANNOTATE_MIGRATIONS: readonly Migration[] = [
  {
    version: 18,
    name: "annotation queues: queues, item snapshots, labels",
    sql: `
      CREATE TABLE annotation_queues (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE TABLE annotation_items (
        queue_id TEXT NOT NULL REFERENCES annotation_queues (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        trace_id TEXT NOT NULL,
        state TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (queue_id, id)
      );
      CREATE INDEX annotation_items_position ON annotation_items (queue_id, position);
      CREATE TABLE annotation_labels (
        queue_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        at INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (queue_id, item_id, reviewer),
        FOREIGN KEY (queue_id, item_id) REFERENCES annotation_items (queue_id, id) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 20,
    name: "annotation exports: immutable, content-addressed export records",
    sql: `
      CREATE TABLE annotation_exports (
        hash TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX annotation_exports_created ON annotation_exports (created_at);
    `,
  },
];
