import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestKeel, type TestKeel } from "../../testing/keel-fixture.js";

async function chat(keel: TestKeel, feature: string, stream = false): Promise<string> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", "x-keel-feature": feature },
    body: JSON.stringify({ model: "sim", stream, messages: [{ role: "user", content: `summary ${feature}` }] }),
  });
  await res.text();
  return res.headers.get("x-request-id")!;
}

describe("GET /api/v1/metrics/summary", () => {
  let keel: TestKeel;
  before(async () => (keel = await startTestKeel()));
  after(async () => keel.close());

  test("slices by feature over a range, with feedback joined in", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await chat(keel, "search", i === 0));
    await chat(keel, "chat");
    const fb = await fetch(`${keel.url}/api/v1/feedback`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
      body: JSON.stringify({ trace_id: ids[1], thumbs: "up" }),
    });
    assert.ok(fb.status < 300, `feedback: ${fb.status}`);
    await fb.text();

    const { status, json } = await keel.admin("GET", "/api/v1/metrics/summary?since=1h&by=feature");
    assert.equal(status, 200);
    assert.equal(json.by, "feature");
    assert.equal(json.truncated, false);
    const search = json.data.find((s: { slice: string }) => s.slice === "search");
    assert.equal(search.requests, 3);
    assert.equal(search.error_rate, 0);
    assert.ok(search.latency_ms.p50 > 0 && search.latency_ms.p95 >= search.latency_ms.p50);
    assert.ok(search.ttft_ms.p50 > 0, "the streamed call has a TTFT");
    assert.ok(search.tokens_out_per_request > 0);
    assert.deepEqual(search.feedback, { mean: 1, n: 1 });
    assert.equal(json.data.find((s: { slice: string }) => s.slice === "chat").requests, 1);

    const only = await keel.admin("GET", "/api/v1/metrics/summary?since=1h&feature=chat");
    assert.equal(only.json.data.length, 1);
    assert.equal(only.json.data[0].slice, "all", "no by: one slice for the whole range");
    assert.equal(only.json.data[0].requests, 1);

    const empty = await keel.admin("GET", `/api/v1/metrics/summary?since=${new Date(Date.now() + 3_600_000).toISOString()}`);
    assert.deepEqual(empty.json.data, []);
    const bad = await keel.admin("GET", "/api/v1/metrics/summary?by=colour");
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.param, "by");
  });
});

describe("GET /api/v1/metrics/timeseries", () => {
  let keel: TestKeel;
  before(async () => (keel = await startTestKeel()));
  after(async () => keel.close());

  test("cuts the range into equal intervals, empty ones included, with the summary's filters", async () => {
    const t0 = Date.now();
    await chat(keel, "alpha");
    await chat(keel, "alpha", true);
    await chat(keel, "beta");
    const since = t0 - 60_000;
    const until = Date.now() + 60_000;
    const { status, json } = await keel.admin("GET", `/api/v1/metrics/timeseries?since=${since}&until=${until}&buckets=12`);
    assert.equal(status, 200);
    assert.equal(json.data.length, 12);
    assert.equal(json.step_ms, Math.ceil((until - since) / 12));
    assert.equal(json.data[0].start_ms, since);
    assert.equal(json.data[0].requests, 0, "the minute before the calls is an empty interval");
    assert.equal(json.data[0].latency_ms.p50, null);
    const total = json.data.reduce((a: number, b: { requests: number }) => a + b.requests, 0);
    assert.equal(total, 3);
    const busy = json.data.find((b: { requests: number }) => b.requests > 0);
    assert.ok(busy.tokens_out > 0 && busy.latency_ms.p50 > 0);
    for (let i = 1; i < json.data.length; i++) assert.equal(json.data[i].start_ms - json.data[i - 1].start_ms, json.step_ms);

    const alpha = await keel.admin("GET", `/api/v1/metrics/timeseries?since=${since}&until=${until}&buckets=3&feature=alpha`);
    assert.equal(alpha.json.data.reduce((a: number, b: { requests: number }) => a + b.requests, 0), 2);
    const summary = await keel.admin("GET", `/api/v1/metrics/summary?since=${since}&until=${until}&feature=alpha`);
    const tokens = alpha.json.data.reduce((a: number, b: { tokens_out: number }) => a + b.tokens_out, 0);
    assert.equal(tokens, summary.json.data[0].tokens_out, "charts and totals read the same calls");

    for (const [q, param] of [["buckets=0", "buckets"], ["buckets=501", "buckets"], ["by=model", "by"], [`since=${until}&until=${since}`, "until"]]) {
      const bad = await keel.admin("GET", `/api/v1/metrics/timeseries?${q}`);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.json.error.param, param, q);
    }
  });
});
