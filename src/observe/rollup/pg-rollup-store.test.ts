import { pgTestDb } from "../../testing/postgres-fixture.js";
import { PgRollupStore } from "./pg-rollup-store.js";
import { rollupStoreContract } from "./rollup-store.contract.js";

rollupStoreContract("postgres", () => new PgRollupStore(pgTestDb().fresh()));
