import { openMemorySqlite } from "../storage/sqlite.js";
import { keyStoreContract } from "./key-store.contract.js";
import { SqliteKeyStore } from "./sqlite-key-store.js";

keyStoreContract("sqlite", () => new SqliteKeyStore(openMemorySqlite()));
