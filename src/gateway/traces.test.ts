/** Every call leaves one trace with tokens and cost; secrets never reach the store under the default policy. */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import { join } from "node:path";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

const SECRET = "sk-proj-Zq8xV2mN4bT6yH1kL9pR3sW5uC7eA0dFgJ2hK4lM6nP8qR0t";
const AWS = "AKIAIOSFODNN7EXAMPLQ";

async function chat(keel: TestKeel, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("default capture policy (redacted)", () => {
  let keel: TestKeel;
  before(async () => (keel = await startTestKeel()));
  after(async () => keel.close());

  test("a call is traced with attribution, tokens, cost and latency", async () => {
    const res = await chat(keel, { model: "sim", messages: [{ role: "user", content: "trace me" }], metadata: { team: "growth" } }, {
      "x-keel-feature": "checkout", "x-keel-user": "user-42",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    });
    assert.equal(res.status, 200);
    const id = res.headers.get("x-request-id")!;
    const body = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const { status, json: t } = await keel.admin("GET", `/api/v1/traces/${id}`);
    assert.equal(status, 200);
    assert.equal(t.status, "ok");
    assert.equal(t.http_status, 200);
    assert.equal(t.feature, "checkout");
    assert.equal(t.user, "user-42");
    assert.equal(t.model_requested, "sim");
    assert.equal(t.provider, "sim");
    assert.equal(t.tokens_in, body.usage.prompt_tokens);
    assert.equal(t.tokens_out, body.usage.completion_tokens);
    assert.equal(t.usage_source, "provider");
    assert.ok(t.cost_usd > 0, "sim has a nominal price");
    assert.ok(Math.abs(t.cost_usd - (body.usage.prompt_tokens * 1 + body.usage.completion_tokens * 2) / 1e6) < 1e-12);
    assert.ok(t.latency_ms > 0 && t.ttft_ms > 0);
    assert.equal(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert.equal(t.parent_span_id, "00f067aa0ba902b7");
    assert.equal(t.metadata.team, "growth");
    assert.equal(t.key_id, keel.app.keys.list()[0].id);
    assert.equal(t.request.messages[0].content, "trace me");
  });

  test("a secret in the prompt is masked in the stored trace and nowhere in the database", async () => {
    const res = await chat(keel, { model: "sim", messages: [{ role: "user", content: `my key is ${SECRET} and aws ${AWS}` }] });
    const id = res.headers.get("x-request-id")!;
    const { json: t } = await keel.admin("GET", `/api/v1/traces/${id}`);
    const stored = JSON.stringify(t);
    assert.ok(!stored.includes(SECRET) && !stored.includes(AWS), "secret leaked into the trace");
    // The trace stores the body that went upstream: the default input policy put placeholders there.
    assert.equal(t.request.messages[0].content, "my key is [SECRET_1] and aws [SECRET_2]");
    const db = new Database(join(keel.dataDir, "keel.db"), { readonly: true });
    const dump = JSON.stringify(db.prepare("SELECT * FROM traces").all());
    db.close();
    assert.ok(!dump.includes(SECRET) && !dump.includes(AWS));
    assert.ok(!dump.includes(keel.key), "the caller's virtual key is not stored either");
  });

  test("failed calls are traced with their error class; the traces API filters and pages", async () => {
    const res = await chat(keel, { model: "sim", messages: [{ role: "user", content: "x" }] }, { "x-keel-sim": "fail=500" });
    assert.equal(res.status, 502);
    const id = res.headers.get("x-request-id")!;
    const { json: t } = await keel.admin("GET", `/api/v1/traces/${id}`);
    assert.equal(t.status, "error");
    assert.equal(t.http_status, 502);
    assert.equal(t.error_code, "upstream_error");
    const errors = await keel.admin("GET", "/api/v1/traces?status=error&limit=10");
    assert.ok(errors.json.data.every((x: { status: string }) => x.status === "error"));
    const page = await keel.admin("GET", "/api/v1/traces?limit=1");
    assert.equal(page.json.data.length, 1);
    assert.ok(page.json.next_cursor);
    const next = await keel.admin("GET", `/api/v1/traces?limit=1&cursor=${page.json.next_cursor}`);
    assert.notEqual(next.json.data[0].id, page.json.data[0].id);
    assert.equal((await keel.admin("GET", "/api/v1/traces?limit=0")).status, 400);
    assert.equal((await keel.admin("GET", "/api/v1/traces?cursor=zzz")).status, 400);
    assert.equal((await keel.admin("GET", "/api/v1/traces?bogus=1")).status, 400);
    assert.equal((await keel.admin("GET", "/api/v1/traces/req_nope")).status, 404);
  });

  test("streams are traced with the assembled answer and usage", async () => {
    const res = await chat(keel, { model: "sim", stream: true, messages: [{ role: "user", content: "stream trace" }] });
    await res.text();
    const { json: t } = await keel.admin("GET", `/api/v1/traces/${res.headers.get("x-request-id")}`);
    assert.equal(t.stream, true);
    assert.ok(t.tokens_out > 0);
    assert.ok(typeof t.response.choices[0].message.content === "string" && t.response.choices[0].message.content.length > 0);
  });
});

describe("capture policy none, and trace context propagated upstream", () => {
  let keel: TestKeel;
  let upstream: Server;
  let seen: IncomingHttpHeaders | null = null;
  before(async () => {
    upstream = createServer((req, res) => {
      seen = req.headers;
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", created: 1, model: "up-model", choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }] }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const port = (upstream.address() as AddressInfo).port;
    keel = await startTestKeel({
      traces: { capture: "none" },
      providers: [{ name: "local-openai", kind: "openai", base_url: `http://127.0.0.1:${port}/v1`, api_key: "sk-upstream-secret-000000000000" }],
      models: [{ name: "up", provider: "local-openai", model: "up-model", price: { input: 10, output: 20 } }],
    });
  });
  after(async () => {
    await keel.close();
    upstream.close();
  });

  test("no bodies stored; usage counted when the provider reports none; traceparent continues the caller's trace", async () => {
    const res = await chat(keel, { model: "up", messages: [{ role: "user", content: "count my tokens please" }] }, {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    });
    assert.equal(res.status, 200);
    const { json: t } = await keel.admin("GET", `/api/v1/traces/${res.headers.get("x-request-id")}`);
    assert.equal(t.request, null);
    assert.equal(t.response, null);
    assert.equal(t.usage_source, "counted");
    assert.ok(t.tokens_in > 5 && t.tokens_out >= 1);
    assert.ok(t.cost_usd > 0);
    assert.equal(t.model_served, "up-model");
    const tp = String(seen?.traceparent);
    assert.match(tp, /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    assert.ok(!tp.includes("b7ad6b7169203331"), "Keel is its own span between caller and provider");
    assert.equal(seen?.["x-request-id"], res.headers.get("x-request-id"));
    assert.equal(seen?.authorization, "Bearer sk-upstream-secret-000000000000");
  });
});
