import type { SqliteDb } from "../store/sqlite.js";
import type { ResponseStore, StoredResponse } from "./response-store.js";

interface Row { id: string; key_id: string; created_at: number; response: string; conversation: string }

/** Stored responses in SQLite (migration 16): the response and the conversation as JSON text. */
export class SqliteResponseStore implements ResponseStore {
  private readonly s;
  private readonly many;

  constructor(db: SqliteDb) {
    this.s = {
      put: db.prepare("INSERT OR REPLACE INTO responses (id, key_id, created_at, response, conversation) VALUES (?, ?, ?, ?, ?)"),
      get: db.prepare("SELECT * FROM responses WHERE id = ? AND key_id = ?"),
      delete: db.prepare("DELETE FROM responses WHERE id = ? AND key_id = ?"),
      deleteBefore: db.prepare("DELETE FROM responses WHERE rowid IN (SELECT rowid FROM responses WHERE created_at < ? ORDER BY created_at LIMIT ?)"),
    };
    // One transaction per batch: a commit per response cost ~0.3 ms of CPU each (bench/responses-surface.ts).
    this.many = db.transaction((rs: readonly StoredResponse[]) => {
      for (const r of rs) this.put(r);
    });
  }

  putBatch(rs: readonly StoredResponse[]): void {
    if (rs.length > 0) this.many(rs);
  }

  put(r: StoredResponse): void {
    this.s.put.run(r.id, r.keyId, r.createdAt, JSON.stringify(r.response), JSON.stringify(r.conversation));
  }

  get(id: string, keyId: string): StoredResponse | null {
    const row = this.s.get.get(id, keyId) as Row | undefined;
    if (!row) return null;
    return { id: row.id, keyId: row.key_id, createdAt: row.created_at, response: JSON.parse(row.response), conversation: JSON.parse(row.conversation) };
  }

  delete(id: string, keyId: string): boolean {
    return this.s.delete.run(id, keyId).changes > 0;
  }

  deleteBefore(before: number, limit: number): number {
    return this.s.deleteBefore.run(before, limit).changes;
  }
}
