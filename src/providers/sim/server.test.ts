import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import type { ChatChunk, ChatCompletion } from "../../api/chat-types.js";
import type { OpenAIErrorBody } from "../../errors/openai-shape.js";
import { SseParser } from "../sse.js";
import { simOptionsSchema } from "./options.js";
import { startSimServer, type SimServer } from "./server.js";

let server: SimServer;

before(async () => {
  server = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim", models: ["sim-1", "sim-2"] }) });
});
after(() => server.close());

const body = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: "sim-1", messages: [{ role: "user", content: "Hello, simulator" }], max_tokens: 6, ...extra });

function post(payload: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.url}/v1/chat/completions`, { method: "POST", body: payload, headers: { "content-type": "application/json", ...headers }, signal });
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

function sseData(text: string): string[] {
  const p = new SseParser();
  return p.push(text).map((e) => e.data);
}

test("POST /v1/chat/completions answers an OpenAI completion", async () => {
  const res = await post(body());
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^application\/json/);
  const c = await json<ChatCompletion>(res);
  assert.equal(c.object, "chat.completion");
  assert.equal(c.model, "sim-1");
  assert.equal(c.choices[0].finish_reason, "length");
  assert.equal(c.usage!.completion_tokens, 6);
});

test("stream: true answers SSE chunks, a usage chunk when asked, and [DONE]", async () => {
  const res = await post(body({ stream: true, stream_options: { include_usage: true } }));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/event-stream/);
  const data = sseData(await res.text());
  assert.equal(data.at(-1), "[DONE]");
  const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as ChatChunk);
  assert.equal(chunks.length, 1 + 6 + 1 + 1);
  assert.deepEqual(chunks.at(-1)!.choices, []);
  assert.equal(chunks.at(-1)!.usage!.completion_tokens, 6);
});

test("the official OpenAI client works against it, streaming and not", async () => {
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
  const c = await client.chat.completions.create({ model: "sim-2", messages: [{ role: "user", content: "hi" }], max_tokens: 3 });
  assert.equal(c.usage?.completion_tokens, 3);
  let text = "";
  const stream = await client.chat.completions.create({ model: "sim-2", messages: [{ role: "user", content: "hi" }], max_tokens: 3, stream: true });
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  assert.equal(text, c.choices[0].message.content);
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ["sim-1", "sim-2"]);
});

test("a simulated failure answers its status, Retry-After and OpenAI error JSON", async () => {
  const res = await post(body(), { "x-keel-sim": "fail=503; retry_after=2" });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "2");
  const e = await json<OpenAIErrorBody>(res);
  assert.equal(e.error.type, "server_error");
  assert.equal(typeof e.error.message, "string");
  const streamed = await post(body({ stream: true }), { "x-keel-sim": "fail=429" });
  assert.equal(streamed.status, 429, "a stream that fails before its first chunk is an HTTP error");
  assert.equal((await json<OpenAIErrorBody>(streamed)).error.code, "rate_limit_exceeded");
});

test("cut_after destroys the connection mid-stream after the chunks before it", async () => {
  const res = await post(body({ stream: true }), { "x-keel-sim": "cut_after=3" });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  let text = "";
  await assert.rejects(async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
  });
  const data = sseData(text);
  assert.equal(data.length, 3);
  assert.ok(!data.includes("[DONE]"));
});

test("malformed_after writes a chunk that is not JSON, then ends without [DONE]", async () => {
  const res = await post(body({ stream: true }), { "x-keel-sim": "malformed_after=2" });
  const data = sseData(await res.text());
  assert.equal(data.length, 3);
  assert.equal(data[2], "{not json");
  assert.throws(() => JSON.parse(data[2]));
});

test("bad requests get 400/413 in OpenAI's error shape", async () => {
  const header = await post(body(), { "x-keel-sim": "latency=5" });
  assert.equal(header.status, 400);
  const h = await json<OpenAIErrorBody>(header);
  assert.equal(h.error.param, "x-keel-sim");
  assert.match(h.error.message, /latency/);
  const notJson = await post("{nope");
  assert.equal(notJson.status, 400);
  assert.equal((await json<OpenAIErrorBody>(notJson)).error.code, "invalid_json");
  const shape = await post(JSON.stringify({ model: "m", messages: [] }));
  assert.equal(shape.status, 400);
  assert.equal((await json<OpenAIErrorBody>(shape)).error.param, "messages");
  const role = await post(JSON.stringify({ model: "m", messages: [{ role: "wizard", content: "x" }] }));
  assert.equal(role.status, 400);
  assert.equal((await json<OpenAIErrorBody>(role)).error.param, "messages[0].role", "the gateway's own request schema");
  const big = await post(JSON.stringify({ model: "m", messages: [{ role: "user", content: "x".repeat(11 * 1024 * 1024) }] }));
  assert.equal(big.status, 413);
  assert.equal((await json<OpenAIErrorBody>(big)).error.code, "body_too_large");
});

test("GET /v1/models, GET /healthz, 404 and 405", async () => {
  const health = await fetch(`${server.url}/healthz`);
  assert.deepEqual(await json<unknown>(health), { status: "ok" });
  const models = await json<{ object: string; data: { id: string; object: string }[] }>(await fetch(`${server.url}/v1/models?x=1`));
  assert.equal(models.object, "list");
  assert.equal(models.data[0].object, "model");
  const missing = await fetch(`${server.url}/v2/nothing`);
  assert.equal(missing.status, 404);
  assert.equal((await json<OpenAIErrorBody>(missing)).error.code, "not_found");
  const wrong = await fetch(`${server.url}/v1/chat/completions`);
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get("allow"), "POST");
  await wrong.arrayBuffer();
});

test("timeout=1 hangs until the client gives up; close() still returns with such a request open", async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 80);
  const t0 = performance.now();
  await assert.rejects(post(body(), { "x-keel-sim": "timeout=1" }, ac.signal));
  assert.ok(performance.now() - t0 >= 75);
  const other = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim" }) });
  const hanging = fetch(`${other.url}/v1/chat/completions`, { method: "POST", body: body(), headers: { "x-keel-sim": "timeout=1" } }).catch(() => "closed");
  await new Promise((r) => setTimeout(r, 30));
  await other.close();
  assert.equal(await hanging, "closed");
});
