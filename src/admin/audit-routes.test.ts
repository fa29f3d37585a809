/** The audit log over HTTP: every change recorded, exported as JSONL, and tampering caught in the SQLite file itself. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import Database from "better-sqlite3";
import { verifyChain } from "../audit/hash-chain.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
before(async () => (keel = await startTestKeel()));
after(async () => keel.close());

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${keel.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${keel.adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // JSONL
  }
  return { status: res.status, json, text };
}

test("start-up, keys, credentials and prompts are on the record with who, what, before/after and why", async () => {
  const start = (await api("GET", "/api/v1/audit?action=config.changed")).json.data;
  assert.equal(start.length, 1);
  assert.equal(start[0].reason, "first start");
  assert.equal(start[0].actor, "keel");
  const key = await api("POST", "/api/v1/keys", { name: "svc" }, { "x-keel-actor": "cli:alice", "x-keel-reason": "new%20service" });
  await api("DELETE", `/api/v1/keys/${key.json.id}`, undefined, { "x-keel-actor": "cli:alice" });
  await api("DELETE", `/api/v1/keys/${key.json.id}`, undefined, { "x-keel-actor": "cli:alice" });
  await api("PUT", "/api/v1/credentials/openai", { value: "sk-live-not-in-the-audit-log-123456" });
  await api("POST", "/api/v1/prompts", { prompts: [{ name: "p", type: "text", text: "x", labels: ["production"] }], reason: "launch" });
  const keys = (await api("GET", `/api/v1/audit?target_type=key&target=${key.json.id}`)).json.data;
  assert.deepEqual(keys.map((e: { action: string }) => e.action), ["key.revoked", "key.created"], "a second revoke changes nothing, so records nothing");
  assert.deepEqual([keys[1].actor, keys[1].role, keys[1].reason, keys[1].after.name], ["cli:alice", "admin", "new service", "svc"]);
  assert.deepEqual([keys[0].before.status, keys[0].after.status], ["active", "revoked"]);
  const all = await api("GET", "/api/v1/audit?limit=100");
  assert.ok(!all.text.includes("sk-live-not-in"), "no secret reaches the log");
  assert.deepEqual(
    all.json.data.map((e: { action: string }) => e.action).reverse(),
    ["config.changed", "key.created", "key.created", "key.revoked", "credential.set", "prompt.version.created", "prompt.label.set"],
  );
  assert.equal((await api("POST", "/api/v1/keys", { name: "x" }, { "x-keel-actor": "bad;actor" })).status, 400);
});

test("pagination and filters", async () => {
  for (let i = 0; i < 5; i++) await api("POST", "/api/v1/prompts", { prompts: [{ name: "pg", type: "text", text: `v${i}` }] });
  const page1 = await api("GET", "/api/v1/audit?action=prompt.*&limit=3");
  assert.equal(page1.json.data.length, 3);
  const page2 = await api("GET", `/api/v1/audit?action=prompt.*&limit=3&cursor=${page1.json.next_cursor}`);
  assert.ok(page2.json.data[0].seq < page1.json.data[2].seq);
  assert.equal((await api("GET", "/api/v1/audit?limit=0")).json.error.param, "limit");
  assert.equal((await api("GET", "/api/v1/audit?bogus=1")).status, 400);
});

test("export is JSONL that verifies offline; verify catches a changed and a deleted row in the database file", async () => {
  const exported = await api("GET", "/api/v1/audit/export");
  assert.equal(exported.status, 200);
  const lines = exported.text.trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(lines.length >= 10);
  const offline = verifyChain(lines.map((l) => ({ ...l, at: Date.parse(l.at), targetType: l.target_type, prevHash: l.prev_hash })));
  assert.equal(offline.ok, true, JSON.stringify(offline.problems));
  assert.deepEqual((await api("GET", "/api/v1/audit/verify")).json.ok, true);

  // Tamper with the running instance's SQLite file from outside, as an attacker with disk access would.
  const db = new Database(join(keel.dataDir, "keel.db"));
  db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3").run();
  db.prepare("DELETE FROM audit_log WHERE seq = 6").run();
  db.close();
  const v = (await api("GET", "/api/v1/audit/verify")).json;
  assert.equal(v.ok, false);
  assert.deepEqual(v.problems.map((p: { seq: number; kind: string }) => [p.seq, p.kind]), [[3, "changed"], [6, "deleted"]]);
});
