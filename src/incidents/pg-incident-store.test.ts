import { pgTestDb } from "../testing/postgres-fixture.js";
import { incidentStoreContract } from "./incident-store.contract.js";
import { PgIncidentStore } from "./pg-incident-store.js";

// Opened at load time: the fixture's `after` hook then belongs to the file, not to its first test.
const pg = pgTestDb();
incidentStoreContract("postgres", () => new PgIncidentStore(pg.fresh()));
