import { openMemorySqlite } from "../storage/sqlite.js";
import { incidentStoreContract } from "./incident-store.contract.js";
import { SqliteIncidentStore } from "./sqlite-incident-store.js";

incidentStoreContract("sqlite", () => new SqliteIncidentStore(openMemorySqlite()));
