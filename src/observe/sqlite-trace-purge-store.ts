import type { SqliteDb } from "../store/sqlite.js";

/** Whose traces to erase: at least one field; all given fields must match. */
export interface PurgeFilter {
  user?: string;
  keyId?: string;
  feature?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
}

export interface PurgeResult {
  dryRun: boolean;
  /** Rows deleted (or, on a dry run, that would be) per table. */
  deleted: Record<PurgeTable, number>;
  /**
   * Dataset items made from these traces (`trace-<id>`): datasets are versioned copies a person
   * curated, so they are counted for the operator to remove, not deleted behind their back.
   */
  datasetItems: number;
}

export type PurgeTable = "traces" | "guard_verdicts" | "guard_reviews" | "trace_scores" | "trace_feedback" | "otel_spans";

/**
 * Erasure of a data subject's calls: their trace rows and every row made from those rows — guard
 * verdicts and false-positive reviews, online scores, feedback, and the application's OTLP spans
 * of W3C traces no remaining call belongs to — in one transaction. Rollups, spend and guard
 * statistics are sums over many calls and cannot be un-merged; they hold no bodies (docs/privacy.md).
 * Runs in the writer worker, on its connection: a large purge holds up neither the event loop nor,
 * by lock contention, the trace batches (they queue behind it on the same thread).
 */
export class TracePurge {
  constructor(private readonly db: SqliteDb) {}

  run(filter: PurgeFilter, dryRun: boolean): PurgeResult {
    const { where, args } = whereOf(filter);
    if (dryRun) return this.inTransaction(where, args, true);
    // Deleted cells are overwritten, not left in free pages, and the WAL is checkpointed and
    // truncated after: the erased bytes do not linger in the file (best effort: a reader holding an
    // old snapshot delays the truncation to the next checkpoint).
    const was = this.db.pragma("secure_delete", { simple: true }) as number;
    this.db.pragma("secure_delete = ON");
    try {
      return this.inTransaction(where, args, false);
    } finally {
      this.db.pragma(`secure_delete = ${was ? "ON" : "OFF"}`);
      this.db.pragma("wal_checkpoint(TRUNCATE)");
    }
  }

  private inTransaction(where: string, args: unknown[], dryRun: boolean): PurgeResult {
    return this.db.transaction((): PurgeResult => {
      this.db.exec("DROP TABLE IF EXISTS temp.purge_ids; CREATE TEMP TABLE purge_ids (id TEXT PRIMARY KEY, trace_id TEXT)");
      try {
        this.db.prepare(`INSERT INTO temp.purge_ids SELECT id, trace_id FROM traces WHERE ${where}`).run(...args);
        const ids = "(SELECT id FROM temp.purge_ids)";
        // Spans of a W3C trace go only when no call left in the store belongs to it.
        const orphanSpans = `trace_id IN (SELECT trace_id FROM temp.purge_ids WHERE trace_id IS NOT NULL)
          AND trace_id NOT IN (SELECT trace_id FROM traces WHERE trace_id IS NOT NULL AND id NOT IN ${ids})`;
        const targets: [PurgeTable, string][] = [
          ["guard_verdicts", `trace_id IN ${ids}`],
          ["guard_reviews", `trace_id IN ${ids}`],
          ["trace_scores", `trace_id IN ${ids}`],
          ["trace_feedback", `trace_id IN ${ids}`],
          ["otel_spans", orphanSpans],
          ["traces", `id IN ${ids}`],
        ];
        const deleted = {} as Record<PurgeTable, number>;
        for (const [table, cond] of targets) {
          deleted[table] = dryRun
            ? (this.db.prepare(`SELECT count(*) FROM ${table} WHERE ${cond}`).pluck().get() as number)
            : this.db.prepare(`DELETE FROM ${table} WHERE ${cond}`).run().changes;
        }
        const datasetItems = this.db.prepare(`SELECT count(*) FROM eval_dataset_items WHERE removed_in IS NULL AND item_id IN (SELECT 'trace-' || id FROM temp.purge_ids)`).pluck().get() as number;
        return { dryRun, deleted, datasetItems };
      } finally {
        this.db.exec("DROP TABLE temp.purge_ids");
      }
    })();
  }
}

function whereOf(f: PurgeFilter): { where: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.user !== undefined) { where.push("user_id = ?"); args.push(f.user); }
  if (f.keyId !== undefined) { where.push("key_id = ?"); args.push(f.keyId); }
  if (f.feature !== undefined) { where.push("feature = ?"); args.push(f.feature); }
  if (f.since !== undefined) { where.push("started_at >= ?"); args.push(f.since); }
  if (f.until !== undefined) { where.push("started_at < ?"); args.push(f.until); }
  // The API and CLI refuse an empty filter too; this is the last line against "delete everything".
  if (where.length === 0) throw new RangeError("a purge needs at least one filter");
  return { where: where.join(" AND "), args };
}
