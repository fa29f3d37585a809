import { pgTestDb } from "../testing/postgres-fixture.js";
import { budgetEventStoreContract } from "./budget-event-store.contract.js";
import { PgBudgetEventStore } from "./pg-budget-event-store.js";

// Opened at load time: the fixture's `after` hook then belongs to the file, not to its first test.
const pg = pgTestDb();
budgetEventStoreContract("postgres", () => new PgBudgetEventStore(pg.fresh()));
