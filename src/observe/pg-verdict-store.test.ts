import { pgTestDb } from "../testing/postgres-fixture.js";
import { PgVerdictStore } from "./pg-verdict-store.js";
import { verdictStoreContract } from "./verdict-store.contract.js";

verdictStoreContract("postgres", () => new PgVerdictStore(pgTestDb().fresh()));
