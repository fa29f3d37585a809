import { PgTraceStore } from "../../observe/pg-trace-store.js";
import { pgTestDb } from "../../testing/postgres-fixture.js";
import { PgOnlineRuleStore, PgScoreStore } from "./pg-score-store.js";
import { onlineRuleStoreContract, scoreStoreContract } from "./score-store.contract.js";

// Opened at load time: the fixture's `after` hook then belongs to the file, not to its first test.
const pg = pgTestDb();

scoreStoreContract("postgres", () => {
  const db = pg.fresh();
  return { scores: new PgScoreStore(db), traces: new PgTraceStore(db) };
});
onlineRuleStoreContract("postgres", () => new PgOnlineRuleStore(pg.fresh()));
