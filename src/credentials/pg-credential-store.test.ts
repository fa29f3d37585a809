import { pgTestDb } from "../testing/postgres-fixture.js";
import { credentialStoreContract } from "./credential-store.contract.js";
import { PgCredentialStore } from "./pg-credential-store.js";

credentialStoreContract("postgres", () => new PgCredentialStore(pgTestDb().fresh()));
