import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestKeel, type TestKeel } from "../../testing/keel-fixture.js";
import { mapLegacyAttributes } from "./legacy-attributes.js";
import { parseOtlpJson } from "./otlp-ingest.js";

const TRACE = "5bf92f3577b34da6a3ce929d0e0e4736";
const AGENT = "1111111111111111";
const TOOL = "2222222222222222";

function exportBody(spans: Record<string, unknown>[]): unknown {
  return { resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "support-agent" } }] }, scopeSpans: [{ scope: { name: "app" }, spans }] }] };
}

test("legacy gen_ai.prompt.N / llm.* attributes map to current GenAI names, originals kept", () => {
  const m = mapLegacyAttributes({
    "gen_ai.system": "openai", "llm.model_name": "gpt-4o", "llm.token_count.prompt": 12, "gen_ai.usage.completion_tokens": 3,
    "gen_ai.prompt.0.role": "system", "gen_ai.prompt.0.content": "Be brief.", "gen_ai.prompt.1.role": "user", "gen_ai.prompt.1.content": "Hi",
    "gen_ai.completion.0.role": "assistant", "gen_ai.completion.0.content": "Hello",
  });
  assert.equal(m["gen_ai.provider.name"], "openai");
  assert.equal(m["gen_ai.request.model"], "gpt-4o");
  assert.equal(m["gen_ai.usage.input_tokens"], 12);
  assert.equal(m["gen_ai.usage.output_tokens"], 3);
  assert.deepEqual(JSON.parse(m["gen_ai.input.messages"] as string), [
    { role: "system", parts: [{ type: "text", content: "Be brief." }] }, { role: "user", parts: [{ type: "text", content: "Hi" }] },
  ]);
  assert.equal(JSON.parse(m["gen_ai.output.messages"] as string)[0].parts[0].content, "Hello");
  assert.equal(m["gen_ai.prompt.0.content"], "Be brief.");
  assert.equal(mapLegacyAttributes({ "gen_ai.system": "a", "gen_ai.provider.name": "b" })["gen_ai.provider.name"], "b", "current names win");
});

test("parse: nanosecond times, typed values, malformed ids rejected and counted", () => {
  const { spans, rejected } = parseOtlpJson(exportBody([
    { traceId: TRACE, spanId: AGENT, name: "agent", kind: 1, startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000000250000000", attributes: [{ key: "n", value: { intValue: "3" } }, { key: "ok", value: { boolValue: true } }], status: { code: 1 } },
    { traceId: "nope", spanId: TOOL, name: "bad" },
  ]));
  assert.equal(rejected, 1);
  assert.equal(spans[0].startMs, 1_700_000_000_000);
  assert.equal(spans[0].endMs - spans[0].startMs, 250);
  assert.deepEqual(spans[0].attributes, { n: 3, ok: true });
  assert.equal(spans[0].service, "support-agent");
  assert.throws(() => parseOtlpJson({}), /resourceSpans/);
});

describe("POST /v1/traces", () => {
  let keel: TestKeel;
  before(async () => (keel = await startTestKeel()));
  after(async () => keel.close());

  const post = (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${keel.url}/v1/traces`, { method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  test("an agent's spans land beside the gateway calls they made, linked by W3C trace context", async () => {
    const call = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", traceparent: `00-${TRACE}-${TOOL}-01` },
      body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "inside a tool call" }] }),
    });
    await call.text();
    // Present-day times: spans from 1970 are older than any retention window, and the writer's
    // retention sweep (its own connection, on a timer) may delete them between the POST and the read.
    const start = `${BigInt(Date.now()) * 1_000_000n}`;
    const end = `${BigInt(Date.now() + 5) * 1_000_000n}`;
    const res = await post(exportBody([
      { traceId: TRACE, spanId: AGENT, name: "agent.run", kind: 1, startTimeUnixNano: start, endTimeUnixNano: end },
      { traceId: TRACE, spanId: TOOL, parentSpanId: AGENT, name: "tool.search", kind: 1, startTimeUnixNano: start, endTimeUnixNano: end, attributes: [{ key: "llm.model_name", value: { stringValue: "sim" } }] },
      { traceId: TRACE.toUpperCase(), spanId: "zz", name: "bad" },
    ]));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { partialSuccess: { rejectedSpans: "1", errorMessage: "spans with malformed trace or span ids were skipped" } });
    const view = await keel.admin("GET", `/api/v1/otel/traces/${TRACE}`);
    assert.equal(view.status, 200);
    assert.deepEqual(view.json.spans.map((s: { name: string }) => s.name).sort(), ["agent.run", "tool.search"]);
    assert.equal(view.json.spans.find((s: { name: string }) => s.name === "tool.search").attributes["gen_ai.request.model"], "sim");
    assert.equal(view.json.gateway_calls.length, 1);
    assert.equal(view.json.gateway_calls[0].parent_span_id, TOOL, "the gateway call hangs under the tool span");
    assert.equal(view.json.gateway_calls[0].id, call.headers.get("x-request-id"));
  });

  test("needs a virtual key; other content types are refused with a clear message", async () => {
    const anon = await fetch(`${keel.url}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(anon.status, 401);
    await anon.text();
    const other = await fetch(`${keel.url}/v1/traces`, { method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "text/plain" }, body: "spans" });
    assert.equal(other.status, 400);
    assert.match(((await other.json()) as { error: { message: string } }).error.message, /application\/x-protobuf/);
    assert.equal((await keel.admin("GET", "/api/v1/otel/traces/0123456789abcdef0123456789abcdef")).status, 404);
  });
});
