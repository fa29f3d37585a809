import { openMemorySqlite } from "../../storage/sqlite.js";
import { driftStoreContract } from "./drift-store.contract.js";
import { SqliteDriftStore } from "./sqlite-drift-store.js";

driftStoreContract("sqlite", () => new SqliteDriftStore(openMemorySqlite()));
