import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { AuditLog } from "../audit/audit-log.js";
import { PgAuditStore } from "../audit/pg-audit-store.js";
import { PgKeyStore } from "../keys/pg-key-store.js";
import { PgTraceStore } from "../observe/pg-trace-store.js";
import { PgPromptStore } from "../prompts/pg-prompt-store.js";
import { startTestKeel } from "../testing/keel-fixture.js";
import { pgTestDb } from "../testing/postgres-fixture.js";
import { COPY_THROUGH_STORES } from "./postgres-stores.js";
import { copySqliteToPostgres } from "./store-copy.js";

const pg = pgTestDb();

test("keel store copy: an embedded install's keys, prompts, audit chain and traces land in PostgreSQL whole, counts checked; a non-empty target is refused", async () => {
  // A real install with some history: keys, a prompt with a label, calls traced, all audited.
  const keel = await startTestKeel();
  const made = await keel.admin("POST", "/api/v1/keys", { name: "copy-me", limits: { rpm: 5 } });
  assert.equal(made.status, 201);
  await keel.admin("POST", "/api/v1/prompts", { prompts: [{ name: "greet", type: "text", text: "Hi {{name}}" }] });
  await keel.admin("PUT", "/api/v1/prompts/greet/labels/production", { version: 1 });
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: `hello ${i}` }] }),
    });
    assert.equal(r.status, 200);
  }
  await keel.app.traces.flush();
  const dataDir = keel.dataDir;
  await keel.app.shutdown();

  const db = pg.fresh();
  const result = copySqliteToPostgres(join(dataDir, "keel.db"), db, { through: COPY_THROUGH_STORES });
  const byTable = new Map(result.tables.map((t) => [t.table, t]));
  for (const t of result.tables) assert.equal(t.copied, t.source, t.table);
  assert.equal(byTable.get("traces")!.copied, 5);
  assert.ok(byTable.get("virtual_keys")!.copied >= 2);
  assert.ok(byTable.get("audit_log")!.copied >= 3);
  assert.deepEqual(result.onlyInSource, []);

  // Read back through the PostgreSQL stores, as a Keel on this database would.
  const key = new PgKeyStore(db).get(made.json.id);
  assert.equal(key?.name, "copy-me");
  assert.deepEqual(key?.limits, { rpm: 5 });
  assert.equal(new PgPromptStore(db).labels("greet")[0].version, 1);
  assert.equal(new PgTraceStore(db).list({ limit: 10 }).data.length, 5);
  const chain = new AuditLog(new PgAuditStore(db)).verify();
  assert.equal(chain.ok, true, JSON.stringify(chain.problems));
  assert.equal(chain.checked, byTable.get("audit_log")!.copied);

  assert.throws(() => copySqliteToPostgres(join(dataDir, "keel.db"), db), /the target is not empty/);
  assert.equal(new PgTraceStore(db).list({ limit: 10 }).data.length, 5, "the refused copy changed nothing");
});
