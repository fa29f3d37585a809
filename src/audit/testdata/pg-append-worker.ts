// One "instance" for pg-audit-concurrency.test.ts: appends N entries to the shared schema's chain.
import { PgBridge } from "../../store/postgres/pg-bridge.js";
import { AuditLog } from "../audit-log.js";
import { PgAuditStore } from "../pg-audit-store.js";

const [url, schema, name, n] = process.argv.slice(2);
const db = new PgBridge({ url, schema, poolMax: 2 });
const log = new AuditLog(new PgAuditStore(db));
for (let i = 0; i < Number(n); i++) log.record({ actor: name, role: "admin", action: "key.created", targetType: "key", target: `${name}-${i}`, after: { i } });
await db.close();
