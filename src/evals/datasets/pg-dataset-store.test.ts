import { pgTestDb } from "../../testing/postgres-fixture.js";
import { datasetStoreContract } from "./dataset-store.contract.js";
import { PgDatasetStore } from "./pg-dataset-store.js";

// Opened at load time: the fixture's `after` hook then belongs to the file, not to its first test.
const pg = pgTestDb();
datasetStoreContract("postgres", () => new PgDatasetStore(pg.fresh()));
