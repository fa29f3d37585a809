import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestKeel, TEST_ADMIN_TOKEN, type TestKeel } from "../../testing/keel-fixture.js";
import { promtoolCheck } from "../../testing/promtool.js";

async function chat(keel: TestKeel, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("GET /metrics", () => {
  let keel: TestKeel;
  before(async () => (keel = await startTestKeel()));
  after(async () => keel.close());

  test("gateway traffic shows up in a promtool-valid exposition", async () => {
    for (const stream of [false, true]) {
      const res = await chat(keel, { model: "sim", stream, messages: [{ role: "user", content: "metrics please" }] }, { "x-keel-feature": "search", "x-keel-user": "u-1" });
      assert.equal(res.status, 200);
      await res.text();
    }
    const bad = await chat(keel, { model: "no-such-model", messages: [{ role: "user", content: "x" }] });
    await bad.text();
    const res = await fetch(`${keel.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^keel_requests_total\{status="ok",http_status="200",model="[^"]+",provider="sim",route="sim",key="key_[^"]+",feature="search",prompt_version="none"\} 2$/m);
    assert.match(text, /^keel_requests_total\{status="error",http_status="404",.*\} 1$/m);
    assert.match(text, /^gen_ai_server_time_to_first_token_seconds_count\{gen_ai_operation_name="chat",gen_ai_provider_name="sim",.*\} 1$/m);
    assert.match(text, /^gen_ai_client_token_usage_count\{.*gen_ai_token_type="output"\} 2$/m);
    assert.match(text, /^keel_trace_queue_depth \d+$/m);
    const check = promtoolCheck(text);
    assert.ok(check.ok, check.output);
  });
});

describe("metrics config", () => {
  test("require_auth puts /metrics behind the admin token; enabled: false removes it", async () => {
    const guarded = await startTestKeel({ metrics: { require_auth: true } });
    try {
      assert.equal((await fetch(`${guarded.url}/metrics`)).status, 401);
      const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      assert.equal(ok.status, 200);
      await ok.text();
    } finally {
      await guarded.close();
    }
    const off = await startTestKeel({ metrics: { enabled: false } });
    try {
      assert.equal((await fetch(`${off.url}/metrics`)).status, 404);
    } finally {
      await off.close();
    }
  });
});
