import type { SqliteDb } from "../store/sqlite.js";
import { type ExportRow, exportFromRow } from "./export-rows.js";
import type { AnnotationStore, ExportRecord, ItemState, LabelRecord, QueueItem, QueueRecord } from "./types.js";

/** Annotation queues in SQLite (migration 18; export records 19): each row's fields beyond its keys as a JSON body. */
export class SqliteAnnotationStore implements AnnotationStore {
  private readonly s;
  private readonly create: (q: QueueRecord, items: readonly Omit<QueueItem, "state">[]) => boolean;

  constructor(db: SqliteDb) {
    this.s = {
      insertQueue: db.prepare("INSERT OR IGNORE INTO annotation_queues (id, name, created_at, body) VALUES (?, ?, ?, ?)"),
      insertItem: db.prepare("INSERT INTO annotation_items (queue_id, id, position, trace_id, state, body) VALUES (?, ?, ?, ?, 'pending', ?)"),
      getQueue: db.prepare("SELECT * FROM annotation_queues WHERE name = ?"),
      listQueues: db.prepare("SELECT * FROM annotation_queues ORDER BY name"),
      items: db.prepare("SELECT * FROM annotation_items WHERE queue_id = ? ORDER BY position"),
      item: db.prepare("SELECT * FROM annotation_items WHERE queue_id = ? AND id = ?"),
      counts: db.prepare("SELECT state, COUNT(*) AS n FROM annotation_items WHERE queue_id = ? GROUP BY state"),
      setState: db.prepare("UPDATE annotation_items SET state = ? WHERE queue_id = ? AND id = ?"),
      putLabel: db.prepare(
        "INSERT INTO annotation_labels (queue_id, item_id, reviewer, at, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (queue_id, item_id, reviewer) DO UPDATE SET at = excluded.at, body = excluded.body",
      ),
      labels: db.prepare(
        "SELECT l.* FROM annotation_labels l JOIN annotation_items i ON i.queue_id = l.queue_id AND i.id = l.item_id WHERE l.queue_id = ? ORDER BY i.position, l.at, l.reviewer",
      ),
      itemLabels: db.prepare("SELECT * FROM annotation_labels WHERE queue_id = ? AND item_id = ? ORDER BY at, reviewer"),
      putExport: db.prepare("INSERT OR IGNORE INTO annotation_exports (hash, created_at, body) VALUES (?, ?, ?)"),
      getExport: db.prepare("SELECT * FROM annotation_exports WHERE hash = ?"),
      listExports: db.prepare("SELECT * FROM annotation_exports ORDER BY created_at DESC, hash LIMIT ?"),
    };
    this.create = db.transaction((q: QueueRecord, items: readonly Omit<QueueItem, "state">[]): boolean => {
      const { id, name, createdAt, ...rest } = q;
      if (this.s.insertQueue.run(id, name, createdAt, JSON.stringify(rest)).changes === 0) return false;
      for (const it of items) {
        const { id: itemId, queueId: _q, position, traceId, ...body } = it;
        this.s.insertItem.run(id, itemId, position, traceId, JSON.stringify(body));
      }
      return true;
    });
  }

  createQueue(q: QueueRecord, items: readonly Omit<QueueItem, "state">[]): boolean {
    return this.create(q, items);
  }

  getQueue(name: string): QueueRecord | undefined {
    const r = this.s.getQueue.get(name) as QueueRow | undefined;
    return r ? queueFromRow(r) : undefined;
  }

  listQueues(): QueueRecord[] {
    return (this.s.listQueues.all() as QueueRow[]).map(queueFromRow);
  }

  items(queueId: string): QueueItem[] {
    return (this.s.items.all(queueId) as ItemRow[]).map(itemFromRow);
  }

  getItem(queueId: string, itemId: string): QueueItem | undefined {
    const r = this.s.item.get(queueId, itemId) as ItemRow | undefined;
    return r ? itemFromRow(r) : undefined;
  }

  stateCounts(queueId: string): Record<ItemState, number> {
    const out: Record<ItemState, number> = { pending: 0, in_review: 0, done: 0, skipped: 0 };
    for (const r of this.s.counts.all(queueId) as { state: ItemState; n: number }[]) out[r.state] = r.n;
    return out;
  }

  setState(queueId: string, itemId: string, state: ItemState): void {
    this.s.setState.run(state, queueId, itemId);
  }

  putLabel(l: LabelRecord): void {
    const { queueId, itemId, reviewer, at, ...body } = l;
    this.s.putLabel.run(queueId, itemId, reviewer, at, JSON.stringify(body));
  }

  labels(queueId: string): LabelRecord[] {
    return (this.s.labels.all(queueId) as LabelRow[]).map(labelFromRow);
  }

  itemLabels(queueId: string, itemId: string): LabelRecord[] {
    return (this.s.itemLabels.all(queueId, itemId) as LabelRow[]).map(labelFromRow);
  }

  putExport(r: ExportRecord): boolean {
    const { hash, createdAt, ...body } = r;
    return this.s.putExport.run(hash, createdAt, JSON.stringify(body)).changes > 0;
  }

  getExport(hash: string): ExportRecord | undefined {
    const r = this.s.getExport.get(hash) as ExportRow | undefined;
    return r ? exportFromRow(r) : undefined;
  }

  listExports(limit: number): ExportRecord[] {
    return (this.s.listExports.all(limit) as ExportRow[]).map(exportFromRow);
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
