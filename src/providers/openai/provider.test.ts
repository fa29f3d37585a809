import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatChunk } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import type { CallContext, Provider } from "../types.js";
import { openaiOptionsSchema } from "./options.js";
import { createOpenAIProvider } from "./provider.js";

const KEY = "sk-proj-SECRETSECRET-0123456789";

interface Seen { method?: string; url?: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }
let seen: Seen[] = [];
/** What the fake upstream does next, keyed by the `model` the test sends. */
const scripts = new Map<string, (res: ServerResponse, seen: Seen) => void>();
let server: Server;
let baseUrl: string;

before(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c));
    req.on("end", () => {
      const s: Seen = { method: req.method, url: req.url, headers: req.headers, body: raw ? JSON.parse(raw) : {} };
      seen.push(s);
      const script = scripts.get(String(s.body.model));
      if (script) script(res, s);
      else res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "no script" } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const providers: Provider[] = [];
after(() => Promise.all(providers.map((p) => p.close?.())));
function make(extra: Record<string, unknown> = {}, key: string | null = KEY): Provider {
  const p = createOpenAIProvider(openaiOptionsSchema.parse({ name: "oai", kind: "openai", base_url: `${baseUrl}/v1`, ...extra }), key ?? undefined);
  providers.push(p);
  return p;
}
const ctx = (over: Partial<CallContext> = {}): CallContext => ({ requestId: "req-123", signal: new AbortController().signal, ...over });

const completion = { id: "chatcmpl-1", object: "chat.completion", created: 1, model: "gpt-x", choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } };
const chunk = (delta: object, finish: string | null = null): object => ({ id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-x", choices: [{ index: 0, delta, finish_reason: finish }] });
const usageChunk = { id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-x", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } };
function sse(res: ServerResponse, events: (object | string)[], end = true): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const e of events) res.write(`data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`);
  if (end) res.end();
}
async function collect(it: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}
function keel(code: KeelError["code"], check?: (e: KeelError) => void): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof KeelError, `expected KeelError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.ok(!`${err.message}${JSON.stringify(err)}${String(err.stack)}`.includes(KEY), "API key leaked into the error");
    check?.(err);
    return true;
  };
}

test("chat(): posts the request as-is with auth and tracing headers, returns the completion", async () => {
  scripts.set("ok", (res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion)));
  seen = [];
  const p = make({ headers: { "OpenAI-Organization": "org-1" } });
  const out = await p.chat({ model: "ok", messages: [{ role: "user", content: "hi" }], logit_bias: { "50256": -100 }, stream: false }, ctx({ traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }));
  assert.deepEqual(out, completion);
  const s = seen[0];
  assert.equal(s.url, "/v1/chat/completions");
  assert.equal(s.headers.authorization, `Bearer ${KEY}`);
  assert.equal(s.headers["content-type"], "application/json");
  assert.equal(s.headers["x-request-id"], "req-123");
  assert.equal(s.headers.traceparent, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  assert.equal(s.headers["openai-organization"], "org-1");
  // unknown fields pass through
  assert.deepEqual(s.body, { model: "ok", messages: [{ role: "user", content: "hi" }], logit_bias: { "50256": -100 }, stream: false });
  // stray stream flags are dropped so one JSON body comes back
  await p.chat({ model: "ok", messages: [], stream: true, stream_options: { include_usage: true } }, ctx());
  assert.deepEqual(seen[1].body, { model: "ok", messages: [] });
});

test("chatStream(): forces include_usage, yields every chunk including usage, stops at [DONE]", async () => {
  scripts.set("stream", (res) => sse(res, [chunk({ role: "assistant", content: "" }), chunk({ content: "Hel" }), chunk({ content: "lo" }), chunk({}, "stop"), usageChunk, "[DONE]"]));
  seen = [];
  const chunks = await collect(make().chatStream({ model: "stream", messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: false } }, ctx()));
  assert.equal(chunks.length, 5);
  assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), "Hello");
  assert.deepEqual(chunks.at(-1), usageChunk);
  assert.equal(seen[0].body.stream, true);
  assert.deepEqual(seen[0].body.stream_options, { include_usage: true });
});

test("stream_usage: false adds no stream_options", async () => {
  seen = [];
  await collect(make({ stream_usage: false }).chatStream({ model: "stream", messages: [] }, ctx()));
  assert.equal(seen[0].body.stream, true);
  assert.equal("stream_options" in seen[0].body, false);
});

test("a stream that ends after a finish_reason but without [DONE] is complete", async () => {
  scripts.set("nodone", (res) => sse(res, [chunk({ content: "x" }), chunk({}, "length")]));
  assert.equal((await collect(make().chatStream({ model: "nodone", messages: [] }, ctx()))).length, 2);
});

test("malformed chunk, error payload and cut stream → upstream_stream_error after the good chunks", async () => {
  scripts.set("malformed", (res) => sse(res, [chunk({ content: "a" }), "{not json"]));
  scripts.set("errpayload", (res) => sse(res, [chunk({ content: "a" }), { error: { message: "model overloaded", type: "server_error" } }]));
  scripts.set("cut", (res) => {
    sse(res, [chunk({ content: "a" })], false);
    setTimeout(() => res.end(), 10);
  });
  for (const [model, pattern] of [["malformed", /malformed/], ["errpayload", /model overloaded/], ["cut", /before \[DONE\]/]] as const) {
    const got: ChatChunk[] = [];
    await assert.rejects(async () => {
      for await (const c of make().chatStream({ model, messages: [] }, ctx())) got.push(c);
    }, keel("upstream_stream_error", (e) => assert.match(e.message, pattern)));
    assert.equal(got.length, 1, model);
  }
});

test("HTTP errors: 500 → upstream_error, 429 + Retry-After → upstream_unavailable, key never leaks", async () => {
  scripts.set("e500", (res, s) =>
    res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `Internal error (auth was ${s.headers.authorization})`, type: "server_error" } })),
  );
  scripts.set("e429", (res) => res.writeHead(429, { "retry-after": "20" }).end(JSON.stringify({ error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } })));
  const p = make();
  await assert.rejects(p.chat({ model: "e500", messages: [] }, ctx()), keel("upstream_error", (e) => {
    assert.match(e.message, /oai returned HTTP 500: server_error: Internal error \(auth was Bearer \[redacted\]\)/);
    assert.equal(e.upstream?.status, 500);
    assert.equal(e.upstream?.provider, "oai");
  }));
  // stream errors before the first chunk throw from the first next()
  await assert.rejects(collect(p.chatStream({ model: "e429", messages: [] }, ctx())), keel("upstream_unavailable", (e) => {
    assert.equal(e.retryAfter, 20);
    assert.deepEqual(e.upstream, { provider: "oai", status: 429, body: { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } } });
  }));
});

test("connection refused → upstream_unavailable; no headers in time → upstream_timeout", async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const gone = createOpenAIProvider(openaiOptionsSchema.parse({ name: "gone", kind: "openai", base_url: `http://127.0.0.1:${port}/v1` }), KEY);
  await assert.rejects(gone.chat({ model: "x", messages: [] }, ctx()), keel("upstream_unavailable"));
  await assert.rejects(collect(gone.chatStream({ model: "x", messages: [] }, ctx())), keel("upstream_unavailable"));
  await gone.close?.();

  scripts.set("hang", () => {});
  await assert.rejects(make({ timeout_ms: 200 }).chat({ model: "hang", messages: [] }, ctx()), keel("upstream_timeout"));
});

test("abort: before headers and mid-stream, the call rejects with the signal's reason", async () => {
  scripts.set("slow", () => {});
  scripts.set("trickle", (res) => sse(res, [chunk({ content: "a" })], false));
  const p = make();
  const ac = new AbortController();
  const reason = new Error("client went away");
  setTimeout(() => ac.abort(reason), 20);
  await assert.rejects(p.chat({ model: "slow", messages: [] }, ctx({ signal: ac.signal })), (e) => e === reason);

  const ac2 = new AbortController();
  const got: ChatChunk[] = [];
  await assert.rejects(async () => {
    for await (const c of p.chatStream({ model: "trickle", messages: [] }, ctx({ signal: ac2.signal }))) {
      got.push(c);
      ac2.abort(reason);
    }
  }, (e) => e === reason);
  assert.equal(got.length, 1);
});

test("a consumer that stops early releases the upstream connection", async () => {
  let closed!: () => void;
  const gone = new Promise<void>((r) => (closed = r));
  scripts.set("endless", (res) => {
    res.on("close", closed);
    sse(res, [chunk({ content: "a" })], false);
  });
  for await (const _ of make().chatStream({ model: "endless", messages: [] }, ctx())) break;
  await gone; // would hang (and fail by test timeout) if the body were left unread
});

test("Azure: deployment path with api-version, api-key header instead of Bearer, embeddings too", async () => {
  scripts.set("gpt4o-prod", (res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(completion)));
  scripts.set("embed-prod", (res) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }], model: "e", usage: { prompt_tokens: 1, total_tokens: 1 } })),
  );
  seen = [];
  const az = createOpenAIProvider(openaiOptionsSchema.parse({ name: "az", kind: "openai", base_url: baseUrl, azure: { api_version: "2024-10-21" } }), KEY);
  providers.push(az);
  await az.chat({ model: "gpt4o-prod", messages: [{ role: "user", content: "hi" }] }, ctx());
  const emb = await az.embeddings!({ model: "embed-prod", input: "hello" }, ctx());
  assert.deepEqual(emb.data[0].embedding, [0.1, 0.2]);
  assert.equal(seen[0].url, "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21");
  assert.equal(seen[1].url, "/openai/deployments/embed-prod/embeddings?api-version=2024-10-21");
  for (const s of seen) {
    assert.equal(s.headers["api-key"], KEY);
    assert.equal(s.headers.authorization, undefined);
  }
});

test("embeddings(): POST /embeddings; a keyless local server gets no auth header", async () => {
  seen = [];
  const local = make({}, null);
  await local.embeddings!({ model: "embed-prod", input: ["a", "b"] }, ctx());
  assert.equal(seen[0].url, "/v1/embeddings");
  assert.deepEqual(seen[0].body, { model: "embed-prod", input: ["a", "b"] });
  assert.equal(seen[0].headers.authorization, undefined);
});
