import type { SettingsStore } from "./settings-store.js";
import type { SqliteDb } from "./sqlite.js";

export class SqliteSettingsStore implements SettingsStore {
  private readonly getStmt;
  private readonly setStmt;
  constructor(db: SqliteDb) {
    this.getStmt = db.prepare("SELECT value FROM settings WHERE key = ?");
    this.setStmt = db.prepare(
      "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    );
  }
  get(key: string): string | undefined {
    return (this.getStmt.get(key) as { value: string } | undefined)?.value;
  }
  set(key: string, value: string): void {
    this.setStmt.run(key, value, Date.now());
  }
}
