import { pgTestDb } from "../testing/postgres-fixture.js";
import { PgPromptStore } from "./pg-prompt-store.js";
import { promptStoreContract } from "./prompt-store.contract.js";

promptStoreContract("postgres", () => new PgPromptStore(pgTestDb().fresh()));
