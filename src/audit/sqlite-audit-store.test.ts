import { openMemorySqlite } from "../storage/sqlite.js";
import { auditStoreContract } from "./audit-store.contract.js";
import { SqliteAuditStore } from "./sqlite-audit-store.js";

auditStoreContract("sqlite", () => new SqliteAuditStore(openMemorySqlite()));
