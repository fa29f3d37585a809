import type { SqliteDb } from "../store/sqlite.js";
import type { CredentialRecord, CredentialStore } from "./credential-store.js";

export class SqliteCredentialStore implements CredentialStore {
  private readonly putStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly delStmt;
  constructor(db: SqliteDb) {
    this.putStmt = db.prepare(
      `INSERT INTO credentials (name, ciphertext, hint, created_at, updated_at) VALUES (@name, @ciphertext, @hint, @createdAt, @updatedAt)
       ON CONFLICT(name) DO UPDATE SET ciphertext = excluded.ciphertext, hint = excluded.hint, updated_at = excluded.updated_at`,
    );
    this.getStmt = db.prepare("SELECT name, ciphertext, hint, created_at AS createdAt, updated_at AS updatedAt FROM credentials WHERE name = ?");
    this.listStmt = db.prepare("SELECT name, ciphertext, hint, created_at AS createdAt, updated_at AS updatedAt FROM credentials ORDER BY name");
    this.delStmt = db.prepare("DELETE FROM credentials WHERE name = ?");
  }
  put(rec: CredentialRecord): void {
    this.putStmt.run(rec);
  }
  get(name: string): CredentialRecord | undefined {
    return this.getStmt.get(name) as CredentialRecord | undefined;
  }
  list(): CredentialRecord[] {
    return this.listStmt.all() as CredentialRecord[];
  }
  delete(name: string): boolean {
    return this.delStmt.run(name).changes === 1;
  }
}
