import { pgTestDb } from "../testing/postgres-fixture.js";
import { alertStoreContract } from "./alert-store.contract.js";
import { PgAlertStore } from "./pg-alert-store.js";

// Opened at load time: the fixture's `after` hook then belongs to the file, not to its first test.
const pg = pgTestDb();
alertStoreContract("postgres", () => new PgAlertStore(pg.fresh()));
