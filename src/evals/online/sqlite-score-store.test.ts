import { SqliteTraceStore } from "../../observe/sqlite-trace-store.js";
import { openMemorySqlite } from "../../storage/sqlite.js";
import { onlineRuleStoreContract, scoreStoreContract } from "./score-store.contract.js";
import { SqliteOnlineRuleStore, SqliteScoreStore } from "./sqlite-score-store.js";

scoreStoreContract("sqlite", () => {
  const db = openMemorySqlite();
  return { scores: new SqliteScoreStore(db), traces: new SqliteTraceStore(db) };
});
onlineRuleStoreContract("sqlite", () => new SqliteOnlineRuleStore(openMemorySqlite()));
