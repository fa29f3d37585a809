import { openMemorySqlite } from "../../storage/sqlite.js";
import { spanStoreContract } from "./span-store.contract.js";
import { SqliteSpanStore } from "./sqlite-span-store.js";

spanStoreContract("sqlite", () => new SqliteSpanStore(openMemorySqlite()));
