import type { PgSql } from "../store/postgres/pg-bridge.js";
import type { ResponseStore, StoredResponse } from "./response-store.js";

interface Row { id: string; key_id: string; created_at: number; response: string; conversation: string }

const UPSERT_FROM_ARRAYS = `INSERT INTO responses (id, key_id, created_at, response, conversation)
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[])
  ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, created_at = excluded.created_at, response = excluded.response, conversation = excluded.conversation`;

/**
 * One statement for a whole batch, or null for none: run on the bridge by `putBatch`, and without
 * blocking by `postgresSinks` (storage/postgres-stores.ts). An upsert may not touch one row
 * twice, so a repeated id is collapsed to its last write first (what SQLite's replace-in-order leaves).
 */
export function responsesUpsert(rs: readonly StoredResponse[]): { sql: string; params: unknown[] } | null {
  if (rs.length === 0) return null;
  const last = new Map<string, StoredResponse>();
  for (const r of rs) {
    last.delete(r.id);
    last.set(r.id, r);
  }
  const batch = [...last.values()];
  return {
    sql: UPSERT_FROM_ARRAYS,
    params: [
      batch.map((r) => r.id), batch.map((r) => r.keyId), batch.map((r) => r.createdAt),
      batch.map((r) => JSON.stringify(r.response)), batch.map((r) => JSON.stringify(r.conversation)),
    ],
  };
}

/** Stored responses on PostgreSQL: the response and the conversation as JSON text, as in SQLite. */
export class PgResponseStore implements ResponseStore {
  constructor(private readonly db: PgSql) {}

  put(r: StoredResponse): void {
    this.putBatch([r]);
  }

  /**
   * One statement for the whole batch. An upsert may not touch one row twice, so a repeated id is
   * collapsed to its last write first (what SQLite's replace-in-order leaves).
   */
  putBatch(rs: readonly StoredResponse[]): void {
    const u = responsesUpsert(rs);
    if (u) this.db.run(u.sql, u.params);
  }

  get(id: string, keyId: string): StoredResponse | null {
    const row = this.db.get<Row>("SELECT * FROM responses WHERE id = $1 AND key_id = $2", [id, keyId]);
    if (!row) return null;
    return { id: row.id, keyId: row.key_id, createdAt: row.created_at, response: JSON.parse(row.response), conversation: JSON.parse(row.conversation) };
  }

  delete(id: string, keyId: string): boolean {
    return this.db.run("DELETE FROM responses WHERE id = $1 AND key_id = $2", [id, keyId]) > 0;
  }

  deleteBefore(before: number, limit: number): number {
    return this.db.run("DELETE FROM responses WHERE id IN (SELECT id FROM responses WHERE created_at < $1 ORDER BY created_at LIMIT $2)", [before, limit]);
  }
}
