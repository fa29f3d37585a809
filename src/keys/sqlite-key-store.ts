import type { SqliteDb } from "../store/sqlite.js";
import type { KeyLimits } from "../limits/key-limits.js";
import { fromRow, type Row } from "./key-rows.js";
import type { KeyStore, VirtualKeyRecord } from "./types.js";

export class SqliteKeyStore implements KeyStore {
  private readonly insertStmt;
  private readonly allStmt;
  private readonly getStmt;
  private readonly revokeStmt;
  private readonly limitsStmt;

  constructor(db: SqliteDb) {
    this.insertStmt = db.prepare(
      `INSERT INTO virtual_keys (id, name, hash, hint, models, user_id, team, created_at, expires_at, revoked_at, metadata, limits, role)
       VALUES (@id, @name, @hash, @hint, @models, @user_id, @team, @created_at, @expires_at, @revoked_at, @metadata, @limits, @role)`,
    );
    this.allStmt = db.prepare("SELECT * FROM virtual_keys ORDER BY created_at, id");
    this.getStmt = db.prepare("SELECT * FROM virtual_keys WHERE id = ?");
    this.revokeStmt = db.prepare("UPDATE virtual_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    this.limitsStmt = db.prepare("UPDATE virtual_keys SET limits = ? WHERE id = ?");
  }

  insert(r: VirtualKeyRecord): void {
    this.insertStmt.run({
      id: r.id, name: r.name, hash: r.hash, hint: r.hint, models: r.models ? JSON.stringify(r.models) : null,
      user_id: r.user, team: r.team, created_at: r.createdAt, expires_at: r.expiresAt, revoked_at: r.revokedAt,
      metadata: JSON.stringify(r.metadata), limits: r.limits ? JSON.stringify(r.limits) : null, role: r.role,
    });
  }

  all(): VirtualKeyRecord[] {
    return (this.allStmt.all() as Row[]).map(fromRow);
  }

  get(id: string): VirtualKeyRecord | undefined {
    const row = this.getStmt.get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  setRevoked(id: string, at: number): boolean {
    return this.revokeStmt.run(at, id).changes === 1;
  }

  setLimits(id: string, limits: KeyLimits | null): boolean {
    return this.limitsStmt.run(limits ? JSON.stringify(limits) : null, id).changes === 1;
  }
}
