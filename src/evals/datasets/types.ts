import type { DatasetItem } from "./item-schema.js";

export interface DatasetRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: number;
  /** 0 until the first items are added. */
  readonly latestVersion: number;
}

/** A version is an immutable snapshot: what was added and removed to make it from the one before. */
export interface DatasetVersionRecord {
  readonly version: number;
  readonly createdAt: number;
  readonly note: string | null;
  readonly itemCount: number;
  readonly added: number;
  readonly removed: number;
}

export interface StoredItem {
  readonly item: DatasetItem;
  /** sha256 of the item's canonical JSON: an item is "changed" when its hash is. */
  readonly hash: string;
}

/**
 * Storage for versioned datasets. Rows carry the version that added them and the one that removed
 * them, so every version stays readable and a new version costs only its changes.
 */
export interface DatasetStore {
  /** False when the name is taken. */
  insertDataset(d: DatasetRecord): boolean;
  getDataset(name: string): DatasetRecord | undefined;
  listDatasets(): DatasetRecord[];
  versions(datasetId: string): DatasetVersionRecord[];
  /** The snapshot at `version`, in the order items were first added. */
  items(datasetId: string, version: number): StoredItem[];
  /**
   * Makes `v.version` (which must be latest + 1) out of the previous version, atomically. `upsert`
   * items replace live items with the same id (keeping their position) or are appended.
   * Throws `VersionConflictError` when another writer got there first.
   */
  commit(datasetId: string, v: DatasetVersionRecord, upsert: readonly StoredItem[], removeIds: readonly string[]): void;
}

export class VersionConflictError extends Error {
  constructor(name: string, expected: number) {
    super(`dataset ${name} changed concurrently (expected to create version ${expected}); retry`);
    this.name = "VersionConflictError";
  }
}
