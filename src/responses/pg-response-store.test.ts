import { pgTestDb } from "../testing/postgres-fixture.js";
import { PgResponseStore } from "./pg-response-store.js";
import { responseStoreContract } from "./response-store.contract.js";

responseStoreContract("postgres", () => new PgResponseStore(pgTestDb().fresh()));
