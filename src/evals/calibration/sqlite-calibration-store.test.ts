import { openMemorySqlite } from "../../storage/sqlite.js";
import { calibrationStoreContract } from "./calibration-store.contract.js";
import { SqliteCalibrationStore } from "./sqlite-calibration-store.js";

calibrationStoreContract("sqlite", () => new SqliteCalibrationStore(openMemorySqlite()));
