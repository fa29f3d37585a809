import type { PgSql } from "../store/postgres/pg-bridge.js";
import type { CredentialRecord, CredentialStore } from "./credential-store.js";

const COLUMNS = `name, ciphertext, hint, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Provider credentials in PostgreSQL, encrypted before they get here (the ciphertext is all it sees). */
export class PgCredentialStore implements CredentialStore {
  constructor(private readonly db: PgSql) {}
  put(rec: CredentialRecord): void {
    this.db.run(
      `INSERT INTO credentials (name, ciphertext, hint, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, hint = excluded.hint, updated_at = excluded.updated_at`,
      [rec.name, rec.ciphertext, rec.hint, rec.createdAt, rec.updatedAt],
    );
  }
  get(name: string): CredentialRecord | undefined {
    return this.db.get<CredentialRecord>(`SELECT ${COLUMNS} FROM credentials WHERE name = $1`, [name]);
  }
  list(): CredentialRecord[] {
    return this.db.all<CredentialRecord>(`SELECT ${COLUMNS} FROM credentials ORDER BY name COLLATE "C"`);
  }
  delete(name: string): boolean {
    return this.db.run("DELETE FROM credentials WHERE name = $1", [name]) === 1;
  }
}
