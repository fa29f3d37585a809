/**
 * The Responses surface passes chat's layers: failover before the first byte, the output guard
 * on answers and on streams, key limits, and the target check for fields chat cannot carry
 * everywhere (`reasoning`). The `openai` SDK is the client.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
let client: OpenAI;
const SECRET = "AKIAIOSFODNN7EXAMPLE";

before(async () => {
  keel = await startTestKeel({
    providers: [
      { name: "down", kind: "sim", faults: { error_rate: 1, status: 500 } },
      { name: "backup", kind: "sim" },
      // Never reached: the reasoning check refuses before routing.
      { name: "claude", kind: "anthropic", base_url: "http://127.0.0.1:9", api_key: "sk-ant-test" },
    ],
    models: [{ name: "claude-x", provider: "claude", model: "claude-sonnet-x" }],
    guard: {
      policies: { no_zebra: { stage: "output", scanners: { banned_topics: { action: "block", options: { keywords: ["zebra"] } } } } },
      assign: [{ model: "ha", output: "no_zebra" }],
    },
    routes: [{
      name: "ha", strategy: "failover", retry: { max_attempts: 2, backoff_base_ms: 5 },
      targets: [{ provider: "down", model: "m" }, { provider: "backup", model: "m" }],
    }],
  });
  client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
});
after(async () => keel.close());

test("a failing first target fails over before the first byte, streamed or not", async () => {
  const { data: r, response } = await client.responses.create({ model: "ha", input: "hello" }).withResponse();
  assert.equal(r.status, "completed");
  assert.equal(response.headers.get("x-keel-target"), "backup/m");
  assert.equal(response.headers.get("x-keel-attempts"), "2");
  const stream = await client.responses.create({ model: "ha", input: "hello", stream: true });
  let last = "";
  for await (const e of stream) last = e.type;
  assert.equal(last, "response.completed");
});

test("the output guard redacts a secret in the answer, in JSON and in the event stream", async () => {
  const headers = { "x-keel-sim": `answer=${encodeURIComponent(`the key is ${SECRET} ok`)}` };
  const r = await client.responses.create({ model: "sim", input: "show me" }, { headers });
  assert.ok(!r.output_text.includes(SECRET), r.output_text);
  const stream = await client.responses.create({ model: "sim", input: "show me", stream: true }, { headers });
  let deltas = "";
  let final = "";
  for await (const e of stream) {
    if (e.type === "response.output_text.delta") deltas += e.delta;
    if (e.type === "response.completed") final = e.response.output.map((o) => (o.type === "message" ? o.content.map((c) => (c.type === "output_text" ? c.text : "")).join("") : "")).join("");
  }
  assert.ok(deltas.length > 0 && !deltas.includes(SECRET), deltas);
  assert.equal(final, deltas, "the completed response is what was streamed");
});

test("an output block: a 400 guard_blocked as JSON, response.failed with content_filter on a stream", async () => {
  const headers = { "x-keel-sim": `answer=${encodeURIComponent("here comes a zebra now")}` };
  await assert.rejects(client.responses.create({ model: "ha", input: "animals" }, { headers }), (e: unknown) => e instanceof OpenAI.BadRequestError && e.code === "guard_blocked");
  const stream = await client.responses.create({ model: "ha", input: "animals", stream: true }, { headers });
  const events: OpenAI.Responses.ResponseStreamEvent[] = [];
  for await (const e of stream) events.push(e);
  const last = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
  assert.equal(last.type, "response.failed");
  assert.equal(last.response.error?.code, "content_filter");
  const text = events.filter((e) => e.type === "response.output_text.delta").map((e) => (e as { delta: string }).delta).join("");
  assert.ok(!text.includes("zebra"), "the blocked text never reached the client");
});

test("a key's rate limit answers RateLimitError", async () => {
  const made = await keel.admin("POST", "/api/v1/keys", { name: "capped", limits: { rpm: 1 } });
  const capped = new OpenAI({ apiKey: made.json.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
  await capped.responses.create({ model: "sim", input: "one" });
  await assert.rejects(capped.responses.create({ model: "sim", input: "two" }), OpenAI.RateLimitError);
});

test("reasoning passes to OpenAI-compatible targets and is a 400 naming field and target elsewhere", async () => {
  const ok = await client.responses.create({ model: "sim", input: "think", reasoning: { effort: "low" } });
  assert.deepEqual(ok.reasoning, { effort: "low", summary: null });
  await assert.rejects(client.responses.create({ model: "claude-x", input: "think", reasoning: { effort: "low" } }), (e: unknown) => {
    assert.ok(e instanceof OpenAI.BadRequestError);
    assert.equal(e.param, "reasoning");
    assert.match(e.message, /claude\/claude-sonnet-x/);
    return true;
  });
});
