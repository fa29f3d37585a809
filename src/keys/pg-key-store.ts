import type { KeyLimits } from "../limits/key-limits.js";
import type { PgSql } from "../store/postgres/pg-bridge.js";
import { fromRow, type Row } from "./key-rows.js";
import type { KeyStore, VirtualKeyRecord } from "./types.js";

/** Virtual keys in PostgreSQL: the same rows and order as `SqliteKeyStore` (ids sort bytewise). */
export class PgKeyStore implements KeyStore {
  constructor(private readonly db: PgSql) {}

  insert(r: VirtualKeyRecord): void {
    this.db.run(
      `INSERT INTO virtual_keys (id, name, hash, hint, models, user_id, team, created_at, expires_at, revoked_at, metadata, limits, role)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        r.id, r.name, r.hash, r.hint, r.models ? JSON.stringify(r.models) : null, r.user, r.team, r.createdAt, r.expiresAt,
        r.revokedAt, JSON.stringify(r.metadata), r.limits ? JSON.stringify(r.limits) : null, r.role,
      ],
    );
  }

  all(): VirtualKeyRecord[] {
    return this.db.all<Row>(`SELECT * FROM virtual_keys ORDER BY created_at, id COLLATE "C"`).map(fromRow);
  }

  get(id: string): VirtualKeyRecord | undefined {
    const row = this.db.get<Row>("SELECT * FROM virtual_keys WHERE id = $1", [id]);
    return row ? fromRow(row) : undefined;
  }

  setRevoked(id: string, at: number): boolean {
    return this.db.run("UPDATE virtual_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", [at, id]) === 1;
  }

  setLimits(id: string, limits: KeyLimits | null): boolean {
    return this.db.run("UPDATE virtual_keys SET limits = $1 WHERE id = $2", [limits ? JSON.stringify(limits) : null, id]) === 1;
  }
}
