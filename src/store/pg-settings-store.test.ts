import { pgTestDb } from "../testing/postgres-fixture.js";
import { PgSettingsStore } from "./pg-settings-store.js";
import { settingsStoreContract } from "./settings-store.contract.js";

settingsStoreContract("postgres", () => new PgSettingsStore(pgTestDb().fresh()));
