import { pgTestDb } from "../testing/postgres-fixture.js";
import { annotationStoreContract } from "./annotation-store.contract.js";
import { PgAnnotationStore } from "./pg-annotation-store.js";

annotationStoreContract("postgres", () => new PgAnnotationStore(pgTestDb().fresh()));
