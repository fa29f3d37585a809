import { pgTestDb } from "../../testing/postgres-fixture.js";
import { PgTraceStore } from "../pg-trace-store.js";
import { PgSummaryStore } from "./pg-summary-store.js";
import { summaryStoreContract } from "./summary-store.contract.js";

summaryStoreContract("postgres", () => {
  const db = pgTestDb().fresh();
  return { traces: new PgTraceStore(db), summaries: new PgSummaryStore(db) };
});
