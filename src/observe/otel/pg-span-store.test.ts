import { pgTestDb } from "../../testing/postgres-fixture.js";
import { PgSpanStore } from "./pg-span-store.js";
import { spanStoreContract } from "./span-store.contract.js";

spanStoreContract("postgres", () => new PgSpanStore(pgTestDb().fresh()));
