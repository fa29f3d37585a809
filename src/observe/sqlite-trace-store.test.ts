import { withGuardVerdicts, SqliteVerdictStore } from "./sqlite-verdict-store.js";
import { openMemorySqlite } from "../storage/sqlite.js";
import { SqliteTraceStore } from "./sqlite-trace-store.js";
import { traceStoreContract } from "./trace-store.contract.js";

traceStoreContract("sqlite", () => new SqliteTraceStore(openMemorySqlite()));
// What app.ts uses: the same store writing and pruning guard verdicts alongside.
traceStoreContract("sqlite with guard verdicts", () => {
  const db = openMemorySqlite();
  return withGuardVerdicts(new SqliteTraceStore(db), new SqliteVerdictStore(db));
});
