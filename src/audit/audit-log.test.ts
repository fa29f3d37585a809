import { test } from "node:test";
import assert from "node:assert/strict";
import { openMemorySqlite } from "../storage/sqlite.js";
import { type SqliteDb } from "../store/sqlite.js";
import { SqliteSettingsStore } from "../store/sqlite-settings-store.js";
import { AuditLog } from "./audit-log.js";
import { canonicalJson } from "./canonical-json.js";
import { recordConfigChange } from "./config-change.js";
import { entryHash, GENESIS, verifyChain } from "./hash-chain.js";
import { SqliteAuditStore } from "./sqlite-audit-store.js";

function setup(n: number): { db: SqliteDb; log: AuditLog } {
  const db = openMemorySqlite();
  let t = 1_700_000_000_000;
  const log = new AuditLog(new SqliteAuditStore(db), () => (t += 1000));
  for (let i = 1; i <= n; i++) {
    log.record({ actor: i % 2 ? "alice" : "cli:bob", role: "admin", action: i % 3 ? "prompt.label.set" : "key.created", targetType: i % 3 ? "prompt" : "key", target: `t${i}`, before: { version: i - 1 }, after: { version: i }, reason: `change ${i}` });
  }
  return { db, log };
}

test("canonical JSON sorts keys at every depth and drops undefined members", () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: "é" }], c: null } }), '{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}');
  assert.equal(canonicalJson([undefined]), "[null]");
});

test("each row chains on the previous: hash = H(prev_hash ‖ canonical row)", () => {
  const { log } = setup(3);
  const rows = [...log.entries()];
  assert.equal(rows[0].prevHash, GENESIS);
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) assert.equal(rows[i].prevHash, rows[i - 1].hash);
    assert.equal(rows[i].hash, entryHash(rows[i].prevHash, rows[i]));
  }
  const r = log.verify();
  assert.deepEqual({ ok: r.ok, checked: r.checked, problems: r.problems }, { ok: true, checked: 3, problems: [] });
  assert.deepEqual(r.last, { seq: 3, hash: rows[2].hash });
});

test("verify catches a changed row, a changed-and-rehashed row, and deleted rows — and says which", () => {
  const { db, log } = setup(10);
  db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4").run();
  let r = log.verify();
  assert.equal(r.ok, false);
  assert.deepEqual(r.problems.map((p) => [p.seq, p.kind]), [[4, "changed"]]);

  // Re-hashing the altered row to hide it breaks the next row's link instead.
  const row4 = log.list({ limit: 1, beforeSeq: 5 })[0];
  db.prepare("UPDATE audit_log SET hash = ? WHERE seq = 4").run(entryHash(row4.prevHash, row4));
  r = log.verify();
  assert.deepEqual(r.problems.map((p) => [p.seq, p.kind]), [[4, "changed"]]);
  assert.match(r.problems[0].detail, /re-hashed/);

  const { db: db2, log: log2 } = setup(10);
  db2.prepare("DELETE FROM audit_log WHERE seq IN (6, 7)").run();
  r = log2.verify();
  assert.deepEqual(r.problems.map((p) => [p.seq, p.kind, p.detail]), [[6, "deleted", "rows 6–7 are missing"]]);

  const { db: db3, log: log3 } = setup(5);
  db3.prepare("DELETE FROM audit_log WHERE seq = 5").run();
  r = log3.verify();
  assert.deepEqual(r.problems.map((p) => [p.seq, p.kind]), [[5, "deleted"]], "deleting the newest row is caught by the head");

  const { db: db4, log: log4 } = setup(5);
  db4.prepare("DELETE FROM audit_log WHERE seq = 1").run();
  assert.deepEqual(log4.verify().problems.map((p) => [p.seq, p.kind]), [[1, "deleted"]]);
});

test("an exported chain verifies offline; editing a line of it is caught", () => {
  const { log } = setup(6);
  const rows = [...log.entries()].map((e) => JSON.parse(JSON.stringify(e)));
  assert.equal(verifyChain(rows).ok, true);
  rows[2].after = { version: 99 };
  assert.deepEqual(verifyChain(rows).problems.map((p) => p.seq), [3]);
});

test("list filters by action prefix, actor and target, newest first, paged by seq", () => {
  const { log } = setup(12);
  assert.equal(log.list({ action: "key.", limit: 100 }).length, 4);
  assert.equal(log.list({ action: "prompt.*", limit: 100 }).length, 8);
  assert.equal(log.list({ actor: "cli:bob", limit: 100 }).length, 6);
  assert.deepEqual(log.list({ target: "t5", limit: 100 }).map((e) => e.seq), [5]);
  const page1 = log.list({ limit: 5 });
  assert.deepEqual(page1.map((e) => e.seq), [12, 11, 10, 9, 8]);
  assert.deepEqual(log.list({ limit: 5, beforeSeq: 8 }).map((e) => e.seq), [7, 6, 5, 4, 3]);
});

test("config changes are recorded at start when the config differs from the last start; secrets masked", () => {
  const db = openMemorySqlite();
  const settings = new SqliteSettingsStore(db);
  const log = new AuditLog(new SqliteAuditStore(db));
  const cfg = { server: { port: 4000 }, providers: [{ name: "openai", api_key: "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789" }], adminToken: "keel-admin-secret-secret" };
  const first = recordConfigChange(log, settings, cfg);
  assert.equal(first?.reason, "first start");
  assert.equal(recordConfigChange(log, settings, cfg), null, "same config: nothing recorded");
  const second = recordConfigChange(log, settings, { ...cfg, server: { port: 4001 } });
  assert.deepEqual(second?.before, { hash: (first!.after as { hash: string }).hash, sections: { server: { port: 4000 } } });
  assert.deepEqual((second!.after as { sections: unknown }).sections, { server: { port: 4001 } });
  const dump = JSON.stringify([...log.entries()]) + JSON.stringify(db.prepare("SELECT * FROM settings").all());
  assert.ok(!dump.includes("sk-proj-abc") && !dump.includes("keel-admin-secret"), "no secret in the log or the snapshot");
  assert.equal(log.verify().ok, true);
});
