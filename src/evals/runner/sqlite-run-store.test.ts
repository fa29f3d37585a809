import { openMemorySqlite } from "../../storage/sqlite.js";
import { runStoreContract } from "./run-store.contract.js";
import { SqliteRunStore } from "./sqlite-run-store.js";

runStoreContract("sqlite", () => new SqliteRunStore(openMemorySqlite()));
