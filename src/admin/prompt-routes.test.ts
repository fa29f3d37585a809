/** The prompt registry over HTTP: push, read with ETags, labels and roles, rollback, racing pushes. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

const EDITOR = "keel-editor-test-token-0123456789";
let keel: TestKeel;
before(async () => (keel = await startTestKeel({}, { KEEL_EDITOR_TOKEN: EDITOR })));
after(async () => keel.close());

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${keel.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${keel.adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}
const asEditor = { authorization: `Bearer ${EDITOR}` };
const text = (name: string, t: string, labels?: string[]) => ({ name, type: "text", text: t, ...(labels ? { labels } : {}) });

async function served(name: string): Promise<string | null> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "sim", prompt: { name } }),
  });
  await res.arrayBuffer();
  return res.headers.get("x-keel-prompt-version");
}

test("push, list, versions, diff; validation errors name the field", async () => {
  const first = await api("POST", "/api/v1/prompts", { prompts: [text("greet", "Hello {{name}}", ["staging"])], message: "first" });
  assert.equal(first.status, 201);
  assert.deepEqual(first.json.changes[0], { name: "greet", action: "created", version: 1, previous: null, labels: [{ label: "staging", from: null, to: 1 }], diff: { added: 2, removed: 0 } });
  const again = await api("POST", "/api/v1/prompts", { prompts: [text("greet", "Hello {{name}}", ["staging"])] });
  assert.equal(again.status, 200);
  assert.equal(again.json.changes[0].action, "unchanged");
  const dry = await api("POST", "/api/v1/prompts", { prompts: [text("greet", "Hi {{name}}")], dry_run: true, diff: true });
  assert.equal(dry.json.changes[0].action, "new_version");
  assert.match(dry.json.changes[0].diff.unified, /^--- greet@1\n\+\+\+ greet@2\n/);
  assert.equal((await api("GET", "/api/v1/prompts/greet/versions")).json.data.length, 1, "dry run wrote nothing");
  await api("POST", "/api/v1/prompts", { prompts: [text("greet", "Hi {{name}}")], message: "shorter" });
  const list = await api("GET", "/api/v1/prompts");
  assert.deepEqual(list.json.data.find((p: { name: string }) => p.name === "greet"), {
    name: "greet", type: "text", latest_version: 2, labels: { staging: 1 }, rollouts: [], updated_at: list.json.data.find((p: { name: string }) => p.name === "greet").updated_at,
  });
  const versions = await api("GET", "/api/v1/prompts/greet/versions");
  assert.deepEqual(versions.json.data.map((v: { version: number; message: string }) => [v.version, v.message]), [[2, "shorter"], [1, "first"]]);
  const v1 = await api("GET", "/api/v1/prompts/greet/versions/1");
  assert.equal(v1.json.text, "Hello {{name}}");
  assert.deepEqual(v1.json.labels, ["staging"]);
  assert.equal(v1.json.author, "admin");
  const diff = await api("GET", "/api/v1/prompts/greet/diff?from=1&to=2");
  assert.equal(diff.json.unified, "--- greet@1\n+++ greet@2\n@@ -1,2 +1,2 @@\n type: text\n-text: Hello {{name}}\n+text: Hi {{name}}\n");
  const bad = await api("POST", "/api/v1/prompts", { prompts: [{ name: "x", type: "chat", messages: [{ role: "robot", content: "x" }] }] });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.param, "prompts[0].messages[0].role");
  assert.equal((await api("POST", "/api/v1/prompts", { prompts: [{ name: "../etc", type: "text", text: "x" }] })).json.error.param, "prompts[0].name");
  assert.equal((await api("POST", "/api/v1/prompts", { prompts: [text("t", "{{oops")] })).status, 400);
  assert.equal((await api("GET", "/api/v1/prompts/nope")).status, 404);
});

test("GET /api/v1/prompts/:name: the served form with an ETag; If-None-Match → 304 until the label moves", async () => {
  await api("POST", "/api/v1/prompts", { prompts: [text("frag", "Be kind.", ["production"]), { name: "client", type: "chat", model: "sim", messages: [{ role: "system", content: "{{> frag}} Help {{user}}." }], labels: ["production"] }] });
  const r1 = await api("GET", "/api/v1/prompts/client?label=production");
  assert.equal(r1.status, 200);
  const etag = r1.headers.get("etag")!;
  assert.match(etag, /^"[\w-]+"$/);
  assert.equal(r1.json.messages[0].content, "Be kind. Help {{user}}.", "includes inlined for client-side rendering");
  assert.deepEqual(r1.json.variables, ["user"]);
  assert.equal(r1.json.version, 1);
  const r304 = await api("GET", "/api/v1/prompts/client?label=production", undefined, { "if-none-match": `"other", ${etag}` });
  assert.equal(r304.status, 304);
  assert.equal(r304.headers.get("etag"), etag);
  assert.equal((await api("GET", "/api/v1/prompts/client", undefined, { "if-none-match": `W/${etag}` })).status, 304, "production is the default; weak match");
  // Moving the included prompt's label changes what the parent serves, so its ETag too.
  await api("POST", "/api/v1/prompts", { prompts: [text("frag", "Be very kind.", ["production"])] });
  const r2 = await api("GET", "/api/v1/prompts/client", undefined, { "if-none-match": etag });
  assert.equal(r2.status, 200);
  assert.notEqual(r2.headers.get("etag"), etag);
  assert.equal(r2.json.messages[0].content, "Be very kind. Help {{user}}.");
  assert.equal((await api("GET", "/api/v1/prompts/client?version=1&label=production")).status, 400);
});

test("protected labels need the admin role: an editor token pushes and moves staging, not production", async () => {
  const pushed = await api("POST", "/api/v1/prompts", { prompts: [text("ed", "one", ["staging"])] }, { ...asEditor, "x-keel-actor": "ci:github" });
  assert.equal(pushed.status, 201);
  const refused = await api("POST", "/api/v1/prompts", { prompts: [text("ed", "two", ["production"])] }, asEditor);
  assert.equal(refused.status, 403);
  assert.equal(refused.json.error.code, "forbidden");
  assert.equal((await api("PUT", "/api/v1/prompts/ed/labels/production", { version: 1 }, asEditor)).status, 403);
  assert.equal((await api("POST", "/api/v1/prompts/ed/rollback", { label: "production" }, asEditor)).status, 403);
  assert.equal((await api("POST", "/api/v1/prompts/ed/rollouts", { label: "production", to_version: 1 }, asEditor)).status, 403);
  assert.equal((await api("PUT", "/api/v1/prompts/ed/labels/qa", { version: 1 }, asEditor)).status, 200);
  assert.equal((await api("PUT", "/api/v1/prompts/ed/labels/production", { version: 1, reason: "ship it" }, { "x-keel-actor": "alice" })).status, 200);
  // The editor token is nothing outside prompts.
  assert.equal((await api("GET", "/api/v1/keys", undefined, asEditor)).status, 401);
  assert.equal((await api("GET", "/api/v1/audit", undefined, asEditor)).status, 401);
  assert.equal((await api("GET", "/api/v1/prompts", undefined, { authorization: "Bearer nope-nope-nope-nope" })).status, 401);
  const audit = await api("GET", "/api/v1/audit?target_type=prompt&action=prompt.label.set&limit=10");
  const prod = audit.json.data.find((e: { target: string }) => e.target === "ed@production");
  assert.deepEqual([prod.actor, prod.role, prod.reason, prod.after], ["alice", "admin", "ship it", { version: 1 }]);
  const created = (await api("GET", "/api/v1/audit?action=prompt.version.created&target=ed")).json.data[0];
  assert.deepEqual([created.actor, created.role], ["ci:github", "editor"]);
});

test("rollback over the API takes effect on the very next request", async () => {
  await api("POST", "/api/v1/prompts", { prompts: [text("rb", "old", ["production"])] });
  await api("POST", "/api/v1/prompts", { prompts: [text("rb", "new", ["production"])] });
  assert.equal(await served("rb"), "rb@2");
  const r = await api("POST", "/api/v1/prompts/rb/rollback", { reason: "regression" });
  assert.deepEqual(r.json, { name: "rb", label: "production", from_version: 2, version: 1, via: "label" });
  assert.equal(await served("rb"), "rb@1");
  const e = (await api("GET", "/api/v1/audit?action=prompt.rollback&target=rb@production")).json.data[0];
  assert.equal(e.reason, "regression");
});

test("two pushes racing over HTTP: same content → one version; different → two, no lost update", async () => {
  const same = await Promise.all([1, 2].map(() => api("POST", "/api/v1/prompts", { prompts: [text("race", "identical")] })));
  assert.deepEqual(same.map((r) => r.json.changes[0].action).sort(), ["created", "unchanged"]);
  const diff = await Promise.all(["left", "right"].map((t) => api("POST", "/api/v1/prompts", { prompts: [text("race2", t)] })));
  assert.deepEqual(diff.map((r) => r.json.changes[0].version).sort(), [1, 2]);
  const versions = (await api("GET", "/api/v1/prompts/race2/versions")).json.data.map((v: { text: string }) => v.text).sort();
  assert.deepEqual(versions, ["left", "right"]);
});
