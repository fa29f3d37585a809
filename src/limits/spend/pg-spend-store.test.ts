import { pgTestDb } from "../../testing/postgres-fixture.js";
import { PgSpendStore } from "./pg-spend-store.js";
import { spendStoreContract } from "./spend-store.contract.js";

// Opened at load time: the fixture's `after` hook then belongs to the file, not to its first test.
const pg = pgTestDb();
spendStoreContract("postgres", () => new PgSpendStore(pg.fresh()));
