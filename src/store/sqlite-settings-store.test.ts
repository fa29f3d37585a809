import { composeMigrations } from "./migrate.js";
import { SETTINGS_MIGRATIONS } from "./settings-migrations.js";
import { settingsStoreContract } from "./settings-store.contract.js";
import { SqliteSettingsStore } from "./sqlite-settings-store.js";
import { openMemorySqliteWith } from "./sqlite.js";

// Settings own their table: the domain's migrations alone are enough to run the contract.
settingsStoreContract("sqlite", () => new SqliteSettingsStore(openMemorySqliteWith(composeMigrations([SETTINGS_MIGRATIONS]))));
