import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { join } from "node:path";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
before(async () => {
  keel = await startTestKeel({
    providers: [{ name: "vault-openai", kind: "openai", base_url: "http://127.0.0.1:9/v1", credential: "vault-openai" }],
    models: [{ name: "vault/*", provider: "vault-openai" }],
  });
});
after(async () => keel.close());

test("the admin API refuses a missing or wrong admin token, and a virtual key", async () => {
  for (const auth of [undefined, "Bearer wrong-token-0000000000", `Bearer ${keel.key}`]) {
    const res = await fetch(`${keel.url}/api/v1/keys`, { headers: auth ? { authorization: auth } : {} });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, "invalid_admin_token");
    assert.ok(!body.error.message.includes(keel.key));
  }
});

test("keys: create validates input, lists without secrets, revokes", async () => {
  const bad = await keel.admin("POST", "/api/v1/keys", { name: "" });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.param, "name");
  assert.equal((await keel.admin("POST", "/api/v1/keys", { name: "x", extra: 1 })).status, 400);
  assert.equal((await keel.admin("POST", "/api/v1/keys", { name: "x", models: "sim" })).json.error.param, "models");
  assert.equal((await keel.admin("POST", "/api/v1/keys", { name: "x", expires: "whenever" })).json.error.param, "expires");
  const created = await keel.admin("POST", "/api/v1/keys", { name: "svc", models: ["sim"], expires: "30d", user: "alice", team: "payments", metadata: { env: "prod" } });
  assert.equal(created.status, 201);
  assert.match(created.json.key, /^sk-keel-/);
  assert.equal(created.json.status, "active");
  const list = await keel.admin("GET", "/api/v1/keys");
  const text = JSON.stringify(list.json);
  assert.ok(!text.includes(created.json.key), "list never shows a key");
  assert.ok(!text.includes("hash"));
  const one = await keel.admin("GET", `/api/v1/keys/${created.json.id}`);
  assert.equal(one.json.team, "payments");
  const revoked = await keel.admin("POST", `/api/v1/keys/${created.json.id}/revoke`);
  assert.equal(revoked.json.status, "revoked");
  assert.equal((await keel.admin("GET", "/api/v1/keys/key_nope")).status, 404);
  assert.equal((await keel.admin("PATCH", "/api/v1/keys")).status, 405);
});

test("credentials are write-only and encrypted at rest; a provider waiting for one starts working once it is set", async () => {
  const call = () => fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "vault/gpt", messages: [{ role: "user", content: "x" }] }),
  });
  const before = await call();
  assert.equal(before.status, 503);
  assert.match(((await before.json()) as { error: { message: string } }).error.message, /credential "vault-openai" is not stored/);
  const secret = "sk-live-credential-value-9f8e7d6c5b4a";
  const put = await keel.admin("PUT", "/api/v1/credentials/vault-openai", { value: secret });
  assert.equal(put.status, 200);
  assert.deepEqual(put.json.providers_reloaded, ["vault-openai"]);
  const afterSet = await call();
  assert.equal(afterSet.status, 503, "port 9 refuses: the provider now tries the upstream");
  assert.doesNotMatch(((await afterSet.json()) as { error: { message: string } }).error.message, /not stored/);
  assert.equal(put.json.hint, `…${secret.slice(-4)}`);
  const list = await keel.admin("GET", "/api/v1/credentials");
  assert.equal(list.json.data[0].name, "vault-openai");
  assert.ok(!JSON.stringify(list.json).includes(secret));
  const db = new Database(join(keel.dataDir, "keel.db"), { readonly: true });
  const dump = JSON.stringify(db.prepare("SELECT * FROM credentials").all());
  db.close();
  assert.ok(!dump.includes(secret), "stored encrypted");
  assert.equal((await keel.admin("PUT", "/api/v1/credentials/bad name", { value: "x" })).status, 400);
  assert.equal((await keel.admin("PUT", "/api/v1/credentials/ok", {})).status, 400);
  assert.equal((await keel.admin("DELETE", "/api/v1/credentials/vault-openai")).status, 204);
  assert.equal((await keel.admin("DELETE", "/api/v1/credentials/vault-openai")).status, 404);
});

test("health and readiness", async () => {
  assert.equal((await fetch(`${keel.url}/healthz`)).status, 200);
  const ready = await fetch(`${keel.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: "ready" });
  assert.equal((await fetch(`${keel.url}/nope`)).status, 404);
});
