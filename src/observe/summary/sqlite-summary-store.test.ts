import { openMemorySqlite } from "../../storage/sqlite.js";
import { SqliteTraceStore } from "../sqlite-trace-store.js";
import { SqliteSummaryStore } from "./sqlite-summary-store.js";
import { summaryStoreContract } from "./summary-store.contract.js";

summaryStoreContract("sqlite", () => {
  const db = openMemorySqlite();
  return { traces: new SqliteTraceStore(db), summaries: new SqliteSummaryStore(db) };
});
