import type { SqliteDb } from "../../store/sqlite.js";
import type { DatasetItem } from "./item-schema.js";
import { type DatasetRecord, type DatasetStore, type DatasetVersionRecord, type StoredItem, VersionConflictError } from "./types.js";

interface DatasetRow { id: string; name: string; description: string | null; created_at: number; latest_version: number }
interface VersionRow { version: number; created_at: number; note: string | null; item_count: number; added: number; removed: number }

export class SqliteDatasetStore implements DatasetStore {
  private readonly stmts;
  private readonly commitTx;

  constructor(db: SqliteDb) {
    this.stmts = {
      insert: db.prepare("INSERT OR IGNORE INTO eval_datasets (id, name, description, created_at, latest_version) VALUES (?, ?, ?, ?, 0)"),
      byName: db.prepare("SELECT * FROM eval_datasets WHERE name = ?"),
      all: db.prepare("SELECT * FROM eval_datasets ORDER BY name"),
      versions: db.prepare("SELECT * FROM eval_dataset_versions WHERE dataset_id = ? ORDER BY version"),
      items: db.prepare(
        "SELECT body, hash FROM eval_dataset_items WHERE dataset_id = ? AND added_in <= ? AND (removed_in IS NULL OR removed_in > ?) ORDER BY pos",
      ),
      live: db.prepare("SELECT item_id, pos FROM eval_dataset_items WHERE dataset_id = ? AND removed_in IS NULL"),
      maxPos: db.prepare("SELECT COALESCE(MAX(pos), 0) AS p FROM eval_dataset_items WHERE dataset_id = ?"),
      remove: db.prepare("UPDATE eval_dataset_items SET removed_in = ? WHERE dataset_id = ? AND item_id = ? AND removed_in IS NULL"),
      add: db.prepare("INSERT INTO eval_dataset_items (dataset_id, item_id, pos, added_in, removed_in, hash, body) VALUES (?, ?, ?, ?, NULL, ?, ?)"),
      bump: db.prepare("UPDATE eval_datasets SET latest_version = ? WHERE id = ? AND latest_version = ?"),
      version: db.prepare("INSERT INTO eval_dataset_versions (dataset_id, version, created_at, note, item_count, added, removed) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      name: db.prepare("SELECT name FROM eval_datasets WHERE id = ?"),
    };
    this.commitTx = db.transaction((datasetId: string, v: DatasetVersionRecord, upsert: readonly StoredItem[], removeIds: readonly string[]) => {
      if (this.stmts.bump.run(v.version, datasetId, v.version - 1).changes !== 1) {
        throw new VersionConflictError((this.stmts.name.get(datasetId) as { name: string } | undefined)?.name ?? datasetId, v.version);
      }
      const positions = new Map((this.stmts.live.all(datasetId) as { item_id: string; pos: number }[]).map((r) => [r.item_id, r.pos]));
      let next = (this.stmts.maxPos.get(datasetId) as { p: number }).p;
      for (const id of removeIds) this.stmts.remove.run(v.version, datasetId, id);
      for (const s of upsert) {
        const pos = positions.get(s.item.id) ?? ++next;
        this.stmts.remove.run(v.version, datasetId, s.item.id);
        this.stmts.add.run(datasetId, s.item.id, pos, v.version, s.hash, JSON.stringify(s.item));
      }
      this.stmts.version.run(datasetId, v.version, v.createdAt, v.note, v.itemCount, v.added, v.removed);
    });
  }

  insertDataset(d: DatasetRecord): boolean {
    return this.stmts.insert.run(d.id, d.name, d.description, d.createdAt).changes === 1;
  }

  getDataset(name: string): DatasetRecord | undefined {
    const r = this.stmts.byName.get(name) as DatasetRow | undefined;
    return r ? fromRow(r) : undefined;
  }

  listDatasets(): DatasetRecord[] {
    return (this.stmts.all.all() as DatasetRow[]).map(fromRow);
  }

  versions(datasetId: string): DatasetVersionRecord[] {
    return (this.stmts.versions.all(datasetId) as VersionRow[]).map((r) => ({
      version: r.version, createdAt: r.created_at, note: r.note, itemCount: r.item_count, added: r.added, removed: r.removed,
    }));
  }

  items(datasetId: string, version: number): StoredItem[] {
    return (this.stmts.items.all(datasetId, version, version) as { body: string; hash: string }[]).map((r) => ({ item: JSON.parse(r.body) as DatasetItem, hash: r.hash }));
  }

  commit(datasetId: string, v: DatasetVersionRecord, upsert: readonly StoredItem[], removeIds: readonly string[]): void {
    this.commitTx(datasetId, v, upsert, removeIds);
  }
}

function fromRow(r: DatasetRow): DatasetRecord {
  return { id: r.id, name: r.name, description: r.description, createdAt: r.created_at, latestVersion: r.latest_version };
}
