import type { PgSql } from "../storage/postgres/pg-bridge.js";
import type { ResponseStore, StoredResponse } from "./response-store.js";

interface Row { id: string; key_id: string; created_at: number; response: string; conversation: string }

const UPSERT = `ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, created_at = excluded.created_at, response = excluded.response, conversation = excluded.conversation`;

/** Stored responses in PostgreSQL: the response and the conversation as JSON text, as in SQLite. */
export class PgResponseStore implements ResponseStore {
  constructor(private readonly db: PgSql) {}

  /** One statement per batch (a round trip each, not one per response); the last of a repeated id wins. */
  putBatch(rs: readonly StoredResponse[]): void {
    if (rs.length === 0) return;
    const last = [...new Map(rs.map((r) => [r.id, r])).values()];
    this.db.run(
      `INSERT INTO responses (id, key_id, created_at, response, conversation)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[]) ${UPSERT}`,
      [last.map((r) => r.id), last.map((r) => r.keyId), last.map((r) => r.createdAt), last.map((r) => JSON.stringify(r.response)), last.map((r) => JSON.stringify(r.conversation))],
    );
  }

  put(r: StoredResponse): void {
    this.db.run(`INSERT INTO responses (id, key_id, created_at, response, conversation) VALUES ($1, $2, $3, $4, $5) ${UPSERT}`, [
      r.id, r.keyId, r.createdAt, JSON.stringify(r.response), JSON.stringify(r.conversation),
    ]);
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
