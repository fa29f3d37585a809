import { openMemorySqlite } from "../storage/sqlite.js";
import { responseStoreContract } from "./response-store.contract.js";
import { SqliteResponseStore } from "./sqlite-response-store.js";

responseStoreContract("sqlite", () => new SqliteResponseStore(openMemorySqlite()));
