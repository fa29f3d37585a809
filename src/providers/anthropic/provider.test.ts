import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatChunk } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import type { CallContext, Provider } from "../types.js";
import { anthropicOptionsSchema } from "./options.js";
import { createAnthropicProvider } from "./provider.js";

const KEY = "sk-ant-api03-SECRETSECRET-0123456789";

interface Seen { url?: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }
let seen: Seen[] = [];
const scripts = new Map<string, (res: ServerResponse) => void>();
let server: Server;
let provider: Provider;

before(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c));
    req.on("end", () => {
      const s: Seen = { url: req.url, headers: req.headers, body: JSON.parse(raw) };
      seen.push(s);
      scripts.get(String(s.body.model))?.(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const opts = anthropicOptionsSchema.parse({
    name: "claude",
    kind: "anthropic",
    base_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    default_max_tokens: 512,
    headers: { "anthropic-beta": "prompt-caching-2024-07-31" },
  });
  provider = createAnthropicProvider(opts, KEY);
});
after(async () => {
  await provider.close?.();
  server.closeAllConnections();
  server.close();
});

const ctx = (): CallContext => ({ requestId: "req-9", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", signal: new AbortController().signal });
const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
};
function events(res: ServerResponse, list: [string, object][], end = true): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const [name, data] of list) res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  if (end) res.end();
}
async function collect(it: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}
function keel(code: KeelError["code"], pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof KeelError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    assert.ok(!`${err.message}${JSON.stringify(err)}`.includes(KEY));
    return true;
  };
}

const START = { type: "message_start", message: { id: "msg_01", type: "message", role: "assistant", model: "claude-x", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, cache_read_input_tokens: 100, output_tokens: 1 } } };

test("chat(): POST /v1/messages with Anthropic headers and a translated body; answer translated back", async () => {
  scripts.set("c1", (res) =>
    json(res, 200, { id: "msg_01", type: "message", role: "assistant", model: "claude-x", content: [{ type: "text", text: "Bonjour" }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 12, cache_read_input_tokens: 100, output_tokens: 3 } }),
  );
  seen = [];
  const out = await provider.chat({ model: "c1", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello" }] }, ctx());
  assert.equal(out.choices[0].message.content, "Bonjour");
  assert.equal(out.choices[0].finish_reason, "stop");
  assert.deepEqual(out.usage, { prompt_tokens: 112, completion_tokens: 3, total_tokens: 115, prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 0 } });
  const s = seen[0];
  assert.equal(s.url, "/v1/messages");
  assert.equal(s.headers["x-api-key"], KEY);
  assert.equal(s.headers["anthropic-version"], "2023-06-01");
  assert.equal(s.headers["anthropic-beta"], "prompt-caching-2024-07-31");
  assert.equal(s.headers["content-type"], "application/json");
  assert.equal(s.headers["x-request-id"], "req-9");
  assert.equal(s.headers.authorization, undefined);
  assert.deepEqual(s.body, { model: "c1", max_tokens: 512, system: "Be brief.", messages: [{ role: "user", content: "Hello" }] });
});

test("chatStream(): Anthropic events become OpenAI chunks ending with usage", async () => {
  scripts.set("s1", (res) =>
    events(res, [
      ["message_start", START],
      ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
      ["ping", { type: "ping" }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }],
      ["content_block_stop", { type: "content_block_stop", index: 0 }],
      ["content_block_start", { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_1", name: "lookup", input: {} } }],
      ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"q":"x"}' } }],
      ["content_block_stop", { type: "content_block_stop", index: 1 }],
      ["message_delta", { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 9 } }],
      ["message_stop", { type: "message_stop" }],
    ]),
  );
  seen = [];
  const chunks = await collect(provider.chatStream({ model: "s1", messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "lookup" } }] }, ctx()));
  assert.equal(seen[0].body.stream, true);
  assert.deepEqual(chunks.map((c) => c.choices[0]?.delta ?? null), [
    { role: "assistant", content: "" },
    { content: "Hi" },
    { tool_calls: [{ index: 0, id: "toolu_1", type: "function", function: { name: "lookup", arguments: "" } }] },
    { tool_calls: [{ index: 0, function: { arguments: '{"q":"x"}' } }] },
    {},
    null,
  ]);
  assert.equal(chunks[4].choices[0].finish_reason, "tool_calls");
  assert.deepEqual(chunks[5].usage, { prompt_tokens: 112, completion_tokens: 9, total_tokens: 121, prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 0 } });
});

test("response_format json_schema: forced json_output tool, answer comes back as JSON content", async () => {
  scripts.set("j1", (res) =>
    json(res, 200, { id: "msg_02", type: "message", role: "assistant", model: "claude-x", content: [{ type: "tool_use", id: "toolu_9", name: "json_output", input: { city: "Paris" } }], stop_reason: "tool_use", stop_sequence: null, usage: { input_tokens: 5, output_tokens: 7 } }),
  );
  seen = [];
  const out = await provider.chat({ model: "j1", messages: [{ role: "user", content: "Capital of France as JSON" }], response_format: { type: "json_schema", json_schema: { name: "city", schema: { type: "object", properties: { city: { type: "string" } } } } } }, ctx());
  assert.deepEqual(seen[0].body.tool_choice, { type: "tool", name: "json_output" });
  assert.deepEqual(JSON.parse(out.choices[0].message.content ?? ""), { city: "Paris" });
  assert.equal(out.choices[0].finish_reason, "stop");
  assert.equal(out.choices[0].message.tool_calls, undefined);
});

test("Anthropic error bodies and 529 become KeelErrors with the upstream detail", async () => {
  scripts.set("bad", (res) => json(res, 400, { type: "error", error: { type: "invalid_request_error", message: "messages: roles must alternate" } }));
  scripts.set("busy", (res) => json(res, 529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
  await assert.rejects(provider.chat({ model: "bad", messages: [{ role: "user", content: "x" }] }, ctx()), (err) => {
    keel("upstream_error", /claude returned HTTP 400: invalid_request_error: messages: roles must alternate/)(err);
    assert.deepEqual((err as KeelError).upstream, { provider: "claude", status: 400, body: { type: "error", error: { type: "invalid_request_error", message: "messages: roles must alternate" } } });
    return true;
  });
  await assert.rejects(collect(provider.chatStream({ model: "busy", messages: [{ role: "user", content: "x" }] }, ctx())), keel("upstream_unavailable", /overloaded_error/));
});

test("an error event or a cut stream → upstream_stream_error after the chunks already sent", async () => {
  scripts.set("err", (res) => events(res, [["message_start", START], ["error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]]));
  scripts.set("cut", (res) => {
    events(res, [["message_start", START]], false);
    setTimeout(() => res.end(), 10);
  });
  for (const [model, pattern] of [["err", /Overloaded/], ["cut", /before message_stop/]] as const) {
    let n = 0;
    await assert.rejects(async () => {
      for await (const _ of provider.chatStream({ model, messages: [{ role: "user", content: "x" }] }, ctx())) n++;
    }, keel("upstream_stream_error", pattern));
    assert.equal(n, 1, model);
  }
});

test("a request Anthropic cannot express fails before anything is sent", async () => {
  seen = [];
  await assert.rejects(provider.chat({ model: "c1", messages: [{ role: "user", content: "x" }], n: 3 }, ctx()), (e) => e instanceof KeelError && e.code === "invalid_request" && e.param === "n");
  assert.equal(seen.length, 0);
});
