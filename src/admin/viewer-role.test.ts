/** Viewer keys over HTTP: they read the admin API and /api/v1/me, and write nothing nor call models. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

const EDITOR = "keel-editor-test-token-0123456789";
let keel: TestKeel;
let viewer: { key: string; id: string };
before(async () => {
  keel = await startTestKeel({}, { KEEL_EDITOR_TOKEN: EDITOR });
  const made = await keel.admin("POST", "/api/v1/keys", { name: "dashboard", role: "viewer" });
  assert.equal(made.status, 201);
  viewer = { key: made.json.key, id: made.json.id };
  const pushed = await keel.admin("POST", "/api/v1/prompts", { prompts: [{ name: "greet", type: "text", text: "Hello", labels: ["staging"] }] });
  assert.equal(pushed.status, 201);
  await keel.admin("POST", "/api/v1/prompts", { prompts: [{ name: "greet", type: "text", text: "Hi", labels: ["staging"] }] });
});
after(async () => keel.close());

async function call(token: string | undefined, method: string, path: string, body?: unknown, base = keel.url): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

test("POST /api/v1/keys: role defaults to gateway, takes viewer, rejects anything else with param 'role'", async () => {
  assert.equal((await keel.admin("POST", "/api/v1/keys", { name: "app" })).json.role, "gateway");
  const bad = await keel.admin("POST", "/api/v1/keys", { name: "x", role: "admin" });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.param, "role");
  assert.equal((await keel.admin("POST", "/api/v1/keys", { name: "x", role: "viewer", models: ["sim"] })).json.error.param, "models");
  const listed = (await keel.admin("GET", "/api/v1/keys")).json.data.find((k: { id: string }) => k.id === viewer.id);
  assert.equal(listed.role, "viewer");
});

test("a viewer key reads the admin API", async () => {
  for (const path of ["/api/v1/traces", "/api/v1/keys", `/api/v1/keys/${viewer.id}`, "/api/v1/prompts", "/api/v1/prompts/greet/labels", "/api/v1/audit", "/api/v1/me"]) {
    const r = await call(viewer.key, "GET", path);
    assert.equal(r.status, 200, `GET ${path}: ${JSON.stringify(r.json)}`);
  }
  assert.ok(!JSON.stringify((await call(viewer.key, "GET", "/api/v1/keys")).json).includes(viewer.key), "never its own secret either");
  const head = await fetch(`${keel.url}/api/v1/keys`, { method: "HEAD", headers: { authorization: `Bearer ${viewer.key}` } });
  assert.equal(head.status, 200);
});

test("a viewer key gets a 403 naming its role on every write, and nothing changes", async () => {
  const writes: [string, string, unknown][] = [
    ["POST", "/api/v1/keys", { name: "sneaky" }],
    ["DELETE", `/api/v1/keys/${viewer.id}`, undefined],
    ["POST", "/api/v1/prompts", { prompts: [{ name: "greet", type: "text", text: "Pwned" }] }],
    ["PUT", "/api/v1/prompts/greet/labels/staging", { version: 1 }],
    ["DELETE", "/api/v1/prompts/greet/labels/staging", undefined],
    ["POST", "/api/v1/prompts/greet/rollback", { label: "staging" }],
    ["POST", "/api/v1/prompts/greet/rollouts", { label: "staging", to_version: 1 }],
    ["POST", "/api/v1/feedback", { trace_id: "t", score: 1 }],
  ];
  for (const [method, path, body] of writes) {
    const r = await call(viewer.key, method, path, body);
    assert.equal(r.status, 403, `${method} ${path}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.error.code, "forbidden");
    assert.match(r.json.error.message, /viewer role/);
  }
  const keys = (await keel.admin("GET", "/api/v1/keys")).json.data;
  assert.ok(!keys.some((k: { name: string }) => k.name === "sneaky"));
  assert.equal(keys.find((k: { id: string }) => k.id === viewer.id).status, "active");
  const labels = (await keel.admin("GET", "/api/v1/prompts/greet/labels")).json.data;
  assert.equal(labels.find((l: { label: string }) => l.label === "staging").version, 2);
  assert.equal((await keel.admin("GET", "/api/v1/prompts/greet/versions")).json.data.length, 2);
});

test("a viewer key cannot call models: 403 on the gateway", async () => {
  const r = await call(viewer.key, "POST", "/v1/chat/completions", { model: "sim", messages: [{ role: "user", content: "hi" }] });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, "forbidden");
  assert.match(r.json.error.message, /viewer role.*cannot call models/);
  assert.equal((await call(viewer.key, "GET", "/v1/models")).status, 403);
  // The gateway key still works, and the admin token still does everything.
  assert.equal((await call(keel.key, "POST", "/v1/chat/completions", { model: "sim", messages: [{ role: "user", content: "hi" }] })).status, 200);
  assert.equal((await keel.admin("PUT", "/api/v1/prompts/greet/labels/staging", { version: 1 })).status, 200);
  assert.equal((await keel.admin("PUT", "/api/v1/prompts/greet/labels/staging", { version: 2 })).status, 200);
});

test("GET /api/v1/me names the caller's role; key fields only for a viewer key", async () => {
  assert.deepEqual((await keel.admin("GET", "/api/v1/me")).json, { role: "admin", key_id: null, name: null });
  assert.deepEqual((await call(EDITOR, "GET", "/api/v1/me")).json, { role: "editor", key_id: null, name: null });
  assert.deepEqual((await call(viewer.key, "GET", "/api/v1/me")).json, { role: "viewer", key_id: viewer.id, name: "dashboard" });
  for (const token of [undefined, "nope-nope-nope", keel.key]) {
    const r = await call(token, "GET", "/api/v1/me");
    assert.equal(r.status, 401, `token ${token}`);
    assert.equal(r.json.error.code, "invalid_admin_token");
  }
  // The editor token still reads only prompts; a viewer key does not make it an admin.
  assert.equal((await call(EDITOR, "GET", "/api/v1/keys")).status, 401);
});

test("a revoked viewer key gets a 401 on the admin API", async () => {
  const made = await keel.admin("POST", "/api/v1/keys", { name: "temp-viewer", role: "viewer" });
  assert.equal((await call(made.json.key, "GET", "/api/v1/traces")).status, 200);
  assert.equal((await keel.admin("DELETE", `/api/v1/keys/${made.json.id}`)).status, 200);
  for (const path of ["/api/v1/traces", "/api/v1/me", "/api/v1/prompts"]) {
    const r = await call(made.json.key, "GET", path);
    assert.equal(r.status, 401, path);
    assert.equal(r.json.error.code, "invalid_admin_token");
  }
});

test("the viewer role survives a restart", async () => {
  const first = await startTestKeel();
  const made = await first.admin("POST", "/api/v1/keys", { name: "persist", role: "viewer" });
  await first.app.shutdown();
  const second = await startTestKeel({}, { KEEL_DATA_DIR: first.dataDir });
  try {
    assert.deepEqual((await call(made.json.key, "GET", "/api/v1/me", undefined, second.url)).json, { role: "viewer", key_id: made.json.id, name: "persist" });
    assert.equal((await call(made.json.key, "POST", "/v1/chat/completions", { model: "sim", messages: [{ role: "user", content: "hi" }] }, second.url)).status, 403);
    assert.equal((await second.admin("GET", `/api/v1/keys/${made.json.id}`)).json.role, "viewer");
  } finally {
    await second.close();
    rmSync(first.dataDir, { recursive: true, force: true });
  }
});
