import { pgTestDb } from "../../testing/postgres-fixture.js";
import { driftStoreContract } from "./drift-store.contract.js";
import { PgDriftStore } from "./pg-drift-store.js";

// Opened at load time: the fixture's `after` hook then belongs to the file, not to its first test.
const pg = pgTestDb();
driftStoreContract("postgres", () => new PgDriftStore(pg.fresh()));
