import type { PgSql } from "../../store/postgres/pg-bridge.js";
import type { DatasetItem } from "./item-schema.js";
import { type DatasetRecord, type DatasetStore, type DatasetVersionRecord, type StoredItem, VersionConflictError } from "./types.js";

interface DatasetRow { id: string; name: string; description: string | null; created_at: number; latest_version: number }
interface VersionRow { version: number; created_at: number; note: string | null; item_count: number; added: number; removed: number }

/** `DatasetStore` on PostgreSQL: the same versioned item table as `SqliteDatasetStore`, one statement per step of a commit. */
export class PgDatasetStore implements DatasetStore {
  constructor(private readonly db: PgSql) {}

  insertDataset(d: DatasetRecord): boolean {
    return this.db.run(
      "INSERT INTO eval_datasets (id, name, description, created_at, latest_version) VALUES ($1, $2, $3, $4, 0) ON CONFLICT DO NOTHING",
      [d.id, d.name, d.description, d.createdAt],
    ) === 1;
  }

  getDataset(name: string): DatasetRecord | undefined {
    const r = this.db.get<DatasetRow>("SELECT * FROM eval_datasets WHERE name = $1", [name]);
    return r ? fromRow(r) : undefined;
  }

  listDatasets(): DatasetRecord[] {
    return this.db.all<DatasetRow>(`SELECT * FROM eval_datasets ORDER BY name COLLATE "C"`).map(fromRow);
  }

  versions(datasetId: string): DatasetVersionRecord[] {
    return this.db.all<VersionRow>("SELECT * FROM eval_dataset_versions WHERE dataset_id = $1 ORDER BY version", [datasetId]).map((r) => ({
      version: r.version, createdAt: r.created_at, note: r.note, itemCount: r.item_count, added: r.added, removed: r.removed,
    }));
  }

  items(datasetId: string, version: number): StoredItem[] {
    return this.db
      .all<{ body: string; hash: string }>(
        "SELECT body, hash FROM eval_dataset_items WHERE dataset_id = $1 AND added_in <= $2 AND (removed_in IS NULL OR removed_in > $2) ORDER BY pos",
        [datasetId, version],
      )
      .map((r) => ({ item: JSON.parse(r.body) as DatasetItem, hash: r.hash }));
  }

  commit(datasetId: string, v: DatasetVersionRecord, upsert: readonly StoredItem[], removeIds: readonly string[]): void {
    this.db.transaction((tx) => {
      // The compare-and-set on latest_version is the lock: a second writer's UPDATE waits on this row, then finds no match.
      if (tx.run("UPDATE eval_datasets SET latest_version = $1 WHERE id = $2 AND latest_version = $3", [v.version, datasetId, v.version - 1]) !== 1) {
        throw new VersionConflictError(tx.get<{ name: string }>("SELECT name FROM eval_datasets WHERE id = $1", [datasetId])?.name ?? datasetId, v.version);
      }
      if (upsert.length) {
        const positions = new Map(
          tx.all<{ item_id: string; pos: number }>("SELECT item_id, pos FROM eval_dataset_items WHERE dataset_id = $1 AND removed_in IS NULL", [datasetId])
            .map((r) => [r.item_id, r.pos]),
        );
        let next = tx.get<{ p: number }>("SELECT COALESCE(MAX(pos), 0) AS p FROM eval_dataset_items WHERE dataset_id = $1", [datasetId])!.p;
        const pos = upsert.map((s) => positions.get(s.item.id) ?? ++next);
        tx.run("UPDATE eval_dataset_items SET removed_in = $1 WHERE dataset_id = $2 AND item_id = ANY($3::text[]) AND removed_in IS NULL", [
          v.version, datasetId, [...removeIds, ...upsert.map((s) => s.item.id)],
        ]);
        tx.run(
          `INSERT INTO eval_dataset_items (dataset_id, item_id, pos, added_in, removed_in, hash, body)
           SELECT $1, u.item_id, u.pos, $2, NULL, u.hash, u.body FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[]) AS u (item_id, pos, hash, body)`,
          [datasetId, v.version, upsert.map((s) => s.item.id), pos, upsert.map((s) => s.hash), upsert.map((s) => JSON.stringify(s.item))],
        );
      } else if (removeIds.length) {
        tx.run("UPDATE eval_dataset_items SET removed_in = $1 WHERE dataset_id = $2 AND item_id = ANY($3::text[]) AND removed_in IS NULL", [v.version, datasetId, removeIds]);
      }
      tx.run("INSERT INTO eval_dataset_versions (dataset_id, version, created_at, note, item_count, added, removed) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
        datasetId, v.version, v.createdAt, v.note, v.itemCount, v.added, v.removed,
      ]);
    });
  }
}

function fromRow(r: DatasetRow): DatasetRecord {
  return { id: r.id, name: r.name, description: r.description, createdAt: r.created_at, latestVersion: r.latest_version };
}
