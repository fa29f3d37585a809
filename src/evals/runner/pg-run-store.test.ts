import { pgTestDb } from "../../testing/postgres-fixture.js";
import { PgRunStore } from "./pg-run-store.js";
import { runStoreContract } from "./run-store.contract.js";

// Opened at load time: the fixture's `after` hook then belongs to the file, not to its first test.
const pg = pgTestDb();
runStoreContract("postgres", () => new PgRunStore(pg.fresh()));
