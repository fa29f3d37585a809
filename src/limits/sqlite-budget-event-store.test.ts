import { openMemorySqlite } from "../storage/sqlite.js";
import { budgetEventStoreContract } from "./budget-event-store.contract.js";
import { SqliteBudgetEventStore } from "./sqlite-budget-event-store.js";

budgetEventStoreContract("sqlite", () => new SqliteBudgetEventStore(openMemorySqlite()));
