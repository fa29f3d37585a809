import { pgTestDb } from "../testing/postgres-fixture.js";
import { auditStoreContract } from "./audit-store.contract.js";
import { PgAuditStore } from "./pg-audit-store.js";

auditStoreContract("postgres", () => new PgAuditStore(pgTestDb().fresh()));
