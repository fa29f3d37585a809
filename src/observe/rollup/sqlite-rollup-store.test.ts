import { openMemorySqlite } from "../../storage/sqlite.js";
import { rollupStoreContract } from "./rollup-store.contract.js";
import { SqliteRollupStore } from "./sqlite-rollup-store.js";

rollupStoreContract("sqlite", () => new SqliteRollupStore(openMemorySqlite()));
