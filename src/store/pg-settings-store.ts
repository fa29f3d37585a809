import type { PgSql } from "../store/postgres/pg-bridge.js";
import type { SettingsStore } from "./settings-store.js";

export class PgSettingsStore implements SettingsStore {
  constructor(private readonly db: PgSql) {}
  get(key: string): string | undefined {
    return this.db.get<{ value: string }>("SELECT value FROM settings WHERE key = $1", [key])?.value;
  }
  set(key: string, value: string): void {
    this.db.run(
      "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
      [key, value, Date.now()],
    );
  }
}
