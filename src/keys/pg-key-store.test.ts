import { pgTestDb } from "../testing/postgres-fixture.js";
import { keyStoreContract } from "./key-store.contract.js";
import { PgKeyStore } from "./pg-key-store.js";

keyStoreContract("postgres", () => new PgKeyStore(pgTestDb().fresh()));
