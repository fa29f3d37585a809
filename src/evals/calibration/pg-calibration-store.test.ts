import { pgTestDb } from "../../testing/postgres-fixture.js";
import { calibrationStoreContract } from "./calibration-store.contract.js";
import { PgCalibrationStore } from "./pg-calibration-store.js";

// Opened at load time: the fixture's `after` hook then belongs to the file, not to its first test.
const pg = pgTestDb();
calibrationStoreContract("postgres", () => new PgCalibrationStore(pg.fresh()));
