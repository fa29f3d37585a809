import type { PgSql } from "../store/postgres/pg-bridge.js";
import { type ExportRow, exportFromRow } from "./export-rows.js";
import type { AnnotationStore, ExportRecord, ItemState, LabelRecord, QueueItem, QueueRecord } from "./types.js";

/** Annotation queues on PostgreSQL: each row's fields beyond its keys as a JSON body, as in SQLite. */
export class PgAnnotationStore implements AnnotationStore {
  constructor(private readonly db: PgSql) {}

  /** The queue row and all its items in two statements (the items as one unnest insert), in one transaction. */
  createQueue(q: QueueRecord, items: readonly Omit<QueueItem, "state">[]): boolean {
    return this.db.transaction((tx) => {
      const { id, name, createdAt, ...rest } = q;
      // No conflict target: a taken id or a taken name both write nothing, like INSERT OR IGNORE.
      if (tx.run("INSERT INTO annotation_queues (id, name, created_at, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", [id, name, createdAt, JSON.stringify(rest)]) === 0) {
        return false;
      }
      if (items.length > 0) {
        const ids: string[] = [], positions: number[] = [], traces: string[] = [], bodies: string[] = [];
        for (const it of items) {
          const { id: itemId, queueId: _q, position, traceId, ...body } = it;
          ids.push(itemId); positions.push(position); traces.push(traceId); bodies.push(JSON.stringify(body));
        }
        tx.run(
          `INSERT INTO annotation_items (queue_id, id, position, trace_id, state, body)
           SELECT $1, u.id, u.position, u.trace_id, 'pending', u.body FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[]) AS u (id, position, trace_id, body)`,
          [id, ids, positions, traces, bodies],
        );
      }
      return true;
    });
  }

  getQueue(name: string): QueueRecord | undefined {
    const r = this.db.get<QueueRow>("SELECT * FROM annotation_queues WHERE name = $1", [name]);
    return r ? queueFromRow(r) : undefined;
  }

  listQueues(): QueueRecord[] {
    return this.db.all<QueueRow>("SELECT * FROM annotation_queues ORDER BY name").map(queueFromRow);
  }

  items(queueId: string): QueueItem[] {
    return this.db.all<ItemRow>("SELECT * FROM annotation_items WHERE queue_id = $1 ORDER BY position", [queueId]).map(itemFromRow);
  }

  getItem(queueId: string, itemId: string): QueueItem | undefined {
    const r = this.db.get<ItemRow>("SELECT * FROM annotation_items WHERE queue_id = $1 AND id = $2", [queueId, itemId]);
    return r ? itemFromRow(r) : undefined;
  }

  stateCounts(queueId: string): Record<ItemState, number> {
    const out: Record<ItemState, number> = { pending: 0, in_review: 0, done: 0, skipped: 0 };
    for (const r of this.db.all<{ state: ItemState; n: number }>("SELECT state, COUNT(*) AS n FROM annotation_items WHERE queue_id = $1 GROUP BY state", [queueId])) {
      out[r.state] = Number(r.n);
    }
    return out;
  }

  setState(queueId: string, itemId: string, state: ItemState): void {
    this.db.run("UPDATE annotation_items SET state = $1 WHERE queue_id = $2 AND id = $3", [state, queueId, itemId]);
  }

  putLabel(l: LabelRecord): void {
    const { queueId, itemId, reviewer, at, ...body } = l;
    this.db.run(
      "INSERT INTO annotation_labels (queue_id, item_id, reviewer, at, body) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (queue_id, item_id, reviewer) DO UPDATE SET at = excluded.at, body = excluded.body",
      [queueId, itemId, reviewer, at, JSON.stringify(body)],
    );
  }

  labels(queueId: string): LabelRecord[] {
    return this.db
      .all<LabelRow>(
        "SELECT l.* FROM annotation_labels l JOIN annotation_items i ON i.queue_id = l.queue_id AND i.id = l.item_id WHERE l.queue_id = $1 ORDER BY i.position, l.at, l.reviewer",
        [queueId],
      )
      .map(labelFromRow);
  }

  itemLabels(queueId: string, itemId: string): LabelRecord[] {
    return this.db.all<LabelRow>("SELECT * FROM annotation_labels WHERE queue_id = $1 AND item_id = $2 ORDER BY at, reviewer", [queueId, itemId]).map(labelFromRow);
  }

  /** The primary key makes a concurrent second write of the same hash a no-op in the database. */
  putExport(r: ExportRecord): boolean {
    const { hash, createdAt, ...body } = r;
    return this.db.run("INSERT INTO annotation_exports (hash, created_at, body) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING", [hash, createdAt, JSON.stringify(body)]) > 0;
  }

  getExport(hash: string): ExportRecord | undefined {
    const r = this.db.get<ExportRow>("SELECT * FROM annotation_exports WHERE hash = $1", [hash]);
    return r ? exportFromRow(r) : undefined;
  }

  listExports(limit: number): ExportRecord[] {
    return this.db.all<ExportRow>("SELECT * FROM annotation_exports ORDER BY created_at DESC, hash LIMIT $1", [limit]).map(exportFromRow);
  }
}

interface QueueRow { id: string; name: string; created_at: number; body: string }
interface ItemRow { queue_id: string; id: string; position: number; trace_id: string; state: ItemState; body: string }
interface LabelRow { queue_id: string; item_id: string; reviewer: string; at: number; body: string }

function queueFromRow(r: QueueRow): QueueRecord {
  return { id: r.id, name: r.name, createdAt: r.created_at, ...(JSON.parse(r.body) as Omit<QueueRecord, "id" | "name" | "createdAt">) };
}

function itemFromRow(r: ItemRow): QueueItem {
  return { id: r.id, queueId: r.queue_id, position: r.position, traceId: r.trace_id, state: r.state, ...(JSON.parse(r.body) as Omit<QueueItem, "id" | "queueId" | "position" | "traceId" | "state">) };
}

function labelFromRow(r: LabelRow): LabelRecord {
  return { queueId: r.queue_id, itemId: r.item_id, reviewer: r.reviewer, at: r.at, ...(JSON.parse(r.body) as Omit<LabelRecord, "queueId" | "itemId" | "reviewer" | "at">) };
}
