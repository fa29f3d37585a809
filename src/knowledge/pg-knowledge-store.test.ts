import { pgTestDb } from "../testing/postgres-fixture.js";
import { knowledgeStoreContract } from "./knowledge-store.contract.js";
import { PgKnowledgeStore } from "./pg-knowledge-store.js";

knowledgeStoreContract("postgres", () => new PgKnowledgeStore(pgTestDb().fresh()));
