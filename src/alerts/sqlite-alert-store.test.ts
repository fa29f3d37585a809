import { openMemorySqlite } from "../storage/sqlite.js";
import { alertStoreContract } from "./alert-store.contract.js";
import { SqliteAlertStore } from "./sqlite-alert-store.js";

alertStoreContract("sqlite", () => new SqliteAlertStore(openMemorySqlite()));
