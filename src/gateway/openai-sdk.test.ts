/**
 * The official `openai` npm client — the one our users have — against a running Keel serving the
 * simulator and the offline embedder. If these pass, an app that works with OpenAI works with Keel.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
let client: OpenAI;

before(async () => {
  // The embedder loads in ~0.5 s alone but several seconds on a loaded machine: load it before the
  // 1 s request deadline (which the 504 test needs) can cut its first call.
  await getDefaultEmbedder().warm();
  keel = await startTestKeel({ server: { max_body_bytes: 64 * 1024, request_timeout_ms: 1000 } });
  client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
});
after(async () => keel.close());

describe("chat completions", () => {
  test("non-streaming answer with usage and a request id", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "sim", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello, Keel" }], max_tokens: 12 })
      .withResponse();
    assert.equal(data.object, "chat.completion");
    assert.equal(data.choices[0].message.role, "assistant");
    assert.ok((data.choices[0].message.content ?? "").length > 0);
    assert.ok(data.usage && data.usage.prompt_tokens > 0 && data.usage.completion_tokens > 0);
    assert.ok(data.usage.completion_tokens <= 12);
    assert.match(response.headers.get("x-request-id") ?? "", /^req_[0-9a-f]{32}$/);
  });

  test("streaming delivers chunks and, when asked, a final usage chunk", async () => {
    const stream = await client.chat.completions.create({
      model: "sim", messages: [{ role: "user", content: "Stream to me" }], stream: true, stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(chunks > 2, "streamed as several chunks");
    assert.ok(text.length > 0);
    assert.equal(finish, "stop");
    assert.ok(usage && usage.completion_tokens > 0);
  });

  test("streaming without include_usage sends no usage chunk", async () => {
    const stream = await client.chat.completions.create({ model: "sim", messages: [{ role: "user", content: "hi" }], stream: true });
    for await (const chunk of stream) assert.ok(!chunk.usage, "no usage unless asked");
  });

  test("tools: a required tool call, non-streaming and streamed as deltas", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [{
      type: "function",
      function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"], additionalProperties: false } },
    }];
    const r = await client.chat.completions.create({ model: "sim", messages: [{ role: "user", content: "Weather in Oslo?" }], tools, tool_choice: "required" });
    const call = r.choices[0].message.tool_calls?.[0];
    assert.equal(r.choices[0].finish_reason, "tool_calls");
    assert.ok(call && call.type === "function");
    assert.equal(call.function.name, "get_weather");
    assert.equal(typeof JSON.parse(call.function.arguments).city, "string");

    const stream = client.chat.completions.stream({ model: "sim", messages: [{ role: "user", content: "Weather in Oslo?" }], tools, tool_choice: { type: "function", function: { name: "get_weather" } } });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0].message.tool_calls?.[0];
    assert.ok(streamed && streamed.type === "function");
    assert.equal(streamed.function.name, "get_weather");
    assert.equal(typeof JSON.parse(streamed.function.arguments).city, "string");
  });

  test("response_format json_schema yields JSON that fits the schema", async () => {
    const r = await client.chat.completions.create({
      model: "sim",
      messages: [{ role: "user", content: "Give me a person" }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "person", strict: true, schema: { type: "object", properties: { name: { type: "string" }, age: { type: "integer" }, tags: { type: "array", items: { type: "string" } } }, required: ["name", "age", "tags"], additionalProperties: false } },
      },
    });
    const v = JSON.parse(r.choices[0].message.content!);
    assert.equal(typeof v.name, "string");
    assert.ok(Number.isInteger(v.age));
    assert.ok(Array.isArray(v.tags));
    assert.deepEqual(Object.keys(v).sort(), ["age", "name", "tags"]);
  });

  test("n, stop, seed and metadata are accepted", async () => {
    const r = await client.chat.completions.create({ model: "sim", messages: [{ role: "user", content: "two please" }], n: 2, seed: 7, temperature: 0, top_p: 1, stop: ["\n"], user: "u-1", metadata: { feature: "sdk-test" } });
    assert.equal(r.choices.length, 2);
  });
});

describe("embeddings and models", () => {
  test("embeddings from the offline model: 512 dimensions", async () => {
    const r = await client.embeddings.create({ model: "universal-sentence-encoder-lite", input: ["a cat on a mat", "stock prices"] });
    assert.equal(r.data.length, 2);
    assert.equal(r.data[0].embedding.length, 512);
    assert.ok(r.usage.prompt_tokens > 0);
  });

  test("models list shows the simulator and the embedder", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.ok(ids.includes("sim"));
    assert.ok(ids.includes("universal-sentence-encoder-lite"));
  });
});

describe("errors reach the SDK as its own exception classes", () => {
  test("400: schema errors name the field", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: "sim", messages: [{ role: "wizard", content: "x" }] } as never),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.status === 400 && (e.param ?? "").startsWith("messages[0].role"),
    );
    await assert.rejects(
      client.chat.completions.create({ model: "sim" } as never),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === "messages" && /Missing required parameter/.test(e.message),
    );
  });

  test("400: invalid JSON", async () => {
    const res = await fetch(`${keel.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" }, body: "{nope" });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "invalid_json");
  });

  test("401: missing, invalid and revoked keys", async () => {
    const bad = new OpenAI({ apiKey: "sk-keel-not-a-real-key", baseURL: `${keel.url}/v1`, maxRetries: 0 });
    await assert.rejects(bad.chat.completions.create({ model: "sim", messages: [{ role: "user", content: "x" }] }), OpenAI.AuthenticationError);
    const res = await fetch(`${keel.url}/v1/models`);
    assert.equal(res.status, 401);
    const created = await keel.admin("POST", "/api/v1/keys", { name: "to-revoke" });
    assert.equal(created.status, 201);
    const revocable = new OpenAI({ apiKey: created.json.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
    await revocable.chat.completions.create({ model: "sim", messages: [{ role: "user", content: "x" }] });
    assert.equal((await keel.admin("DELETE", `/api/v1/keys/${created.json.id}`)).status, 200);
    await assert.rejects(
      revocable.chat.completions.create({ model: "sim", messages: [{ role: "user", content: "x" }] }),
      (e: unknown) => e instanceof OpenAI.AuthenticationError && e.code === "revoked_api_key",
    );
  });

  test("403: a model outside the key's allow-list", async () => {
    const created = await keel.admin("POST", "/api/v1/keys", { name: "emb-only", models: ["universal-sentence-encoder-lite"] });
    const limited = new OpenAI({ apiKey: created.json.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
    await assert.rejects(limited.chat.completions.create({ model: "sim", messages: [{ role: "user", content: "x" }] }), OpenAI.PermissionDeniedError);
  });

  test("404: unknown model", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] }),
      (e: unknown) => e instanceof OpenAI.NotFoundError && e.code === "model_not_found",
    );
  });

  test("413: body over the configured limit", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: "sim", messages: [{ role: "user", content: "x".repeat(70 * 1024) }] }),
      (e: unknown) => e instanceof OpenAI.APIError && e.status === 413 && e.code === "body_too_large",
    );
  });

  test("502/503/504: upstream failures carry the provider's detail and Retry-After", async () => {
    const call = (fault: string) =>
      client.chat.completions.create({ model: "sim", messages: [{ role: "user", content: "x" }] }, { headers: { "x-keel-sim": fault } }).withResponse();
    await assert.rejects(call("fail=500"), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError);
      assert.equal(e.status, 502);
      assert.equal(e.code, "upstream_error");
      assert.equal((e.error as { upstream?: { provider: string; status: number } }).upstream?.status, 500);
      return true;
    });
    await assert.rejects(call("fail=503; retry_after=7"), (e: unknown) => {
      assert.ok(e instanceof OpenAI.APIError);
      assert.equal(e.status, 503);
      assert.equal(e.headers?.get("retry-after"), "7");
      return true;
    });
    await assert.rejects(call("timeout=1"), (e: unknown) => e instanceof OpenAI.APIError && e.status === 504);
  });

  test("a stream cut mid-way ends with an error event the SDK raises — no hang", async () => {
    const stream = await client.chat.completions.create(
      { model: "sim", messages: [{ role: "user", content: "a long answer please" }], stream: true, max_tokens: 50 },
      { headers: { "x-keel-sim": "cut_after=3" } },
    );
    let got = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of stream) got++;
      })(),
      (e: unknown) => e instanceof OpenAI.APIError && /stream/i.test(e.message),
    );
    assert.ok(got >= 1, "chunks before the cut were delivered");
  });
});
