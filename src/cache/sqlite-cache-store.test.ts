import { openMemorySqliteWith } from "../store/sqlite.js";
import { cacheBackendContract } from "./cache-backend.contract.js";
import { CACHE_MIGRATIONS } from "./cache-migrations.js";
import { SqliteCacheStore } from "./sqlite-cache-store.js";

cacheBackendContract("sqlite", () => new SqliteCacheStore(openMemorySqliteWith(CACHE_MIGRATIONS)));
