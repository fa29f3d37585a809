import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatChunk, ChatRequest } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { countTextTokens } from "../../tokens/count.js";
import { simOptionsSchema, type SimOptionsInput } from "./options.js";
import { createSimProvider, type SimProvider } from "./provider.js";

function sim(opts: Partial<SimOptionsInput> = {}): SimProvider {
  return createSimProvider(simOptionsSchema.parse({ kind: "sim", ...opts }));
}

function req(content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: "sim-test", messages: [{ role: "user", content }], stream: true, ...extra };
}

/** The chunks with choices; the provider's trailing usage-only chunk is checked on its own below. */
async function collect(p: SimProvider, r: ChatRequest, signal = new AbortController().signal, headers?: Record<string, string>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of p.chatStream(r, { requestId: "r", signal, headers })) out.push(c);
  const usage = out.at(-1);
  if (usage && usage.choices.length === 0 && !r.stream_options?.include_usage) out.pop();
  return out;
}

test("the provider always ends a stream with usage, as the Provider contract says", async () => {
  const out: ChatChunk[] = [];
  for await (const c of sim().chatStream(req("Hi", { max_tokens: 3 }), { requestId: "r", signal: new AbortController().signal })) out.push(c);
  assert.deepEqual(out.at(-1)!.choices, []);
  assert.equal(out.at(-1)!.usage!.completion_tokens, 3);
});

test("chunk sequence: role, one chunk per token, finish; the content equals chat()'s answer", async () => {
  const p = sim();
  const r = req("Tell me a story.", { max_tokens: 12 });
  const chunks = await collect(p, r);
  const full = await p.chat({ ...r, stream: false }, { requestId: "r", signal: new AbortController().signal });
  assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "" });
  const tokens = chunks.slice(1, -1);
  assert.equal(tokens.length, 12);
  for (const c of tokens) {
    assert.equal(c.choices[0].finish_reason, null);
    assert.equal(countTextTokens(c.choices[0].delta.content!), 1);
  }
  assert.equal(tokens.map((c) => c.choices[0].delta.content).join(""), full.choices[0].message.content);
  const last = chunks.at(-1)!;
  assert.deepEqual(last.choices[0].delta, {});
  assert.equal(last.choices[0].finish_reason, "length");
  for (const c of chunks) {
    assert.equal(c.object, "chat.completion.chunk");
    assert.equal(c.id, chunks[0].id);
    assert.equal(c.model, "sim-test");
    assert.equal(c.system_fingerprint, "sim-1");
    assert.ok(!c.usage, "usage only on the trailing chunk");
  }
});

test("include_usage adds a final chunk with no choices and the usage; earlier chunks carry usage null", async () => {
  const r = req("Hi", { max_tokens: 4, stream_options: { include_usage: true } });
  const chunks = await collect(sim(), r);
  const usage = chunks.at(-1)!;
  assert.deepEqual(usage.choices, []);
  assert.equal(usage.usage!.completion_tokens, 4);
  assert.equal(usage.usage!.total_tokens, usage.usage!.prompt_tokens + 4);
  for (const c of chunks.slice(0, -1)) assert.equal(c.usage, null);
  assert.equal(chunks.at(-2)!.choices[0].finish_reason, "length");
});

test("timing: first chunk after TTFT, then one token per itl_ms", async () => {
  const p = sim({ ttft_ms: 40, itl_ms: 20 });
  const t0 = performance.now();
  const at: number[] = [];
  for await (const _ of p.chatStream(req("x", { max_tokens: 5 }), { requestId: "r", signal: new AbortController().signal })) at.push(performance.now() - t0);
  assert.ok(at[0] >= 38, `first chunk at ${at[0]}`);
  assert.ok(at.at(-1)! >= 38 + 80 - 5, `stream took ${at.at(-1)}`);
  assert.ok(at[5] - at[1] >= 75, "4 intervals between 5 tokens");
});

test("the x-keel-sim header overrides ttft_ms and itl_ms per request", async () => {
  const p = sim({ ttft_ms: 0, itl_ms: 0 });
  const t0 = performance.now();
  await collect(p, req("x", { max_tokens: 3 }), undefined, { "x-keel-sim": "ttft_ms=30; itl_ms=15" });
  assert.ok(performance.now() - t0 >= 55);
  const t1 = performance.now();
  await collect(p, req("x", { max_tokens: 2000 }));
  // With a timer per token (≥ 1 ms each) 2,000 tokens take ≥ 2 s; without timers a small fraction of that.
  assert.ok(performance.now() - t1 < 1500, "zero delays stream without timers");
});

test("a tool call streams as OpenAI does: id and name first, then argument fragments", async () => {
  const tools = [{ type: "function" as const, function: { name: "lookup", parameters: { type: "object", required: ["q", "limit"], properties: { q: { type: "string" }, limit: { type: "integer" } } } } }];
  const p = sim();
  const r = req("use lookup", { tools, tool_choice: "required" });
  const chunks = await collect(p, r);
  assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: null });
  const head = chunks[1].choices[0].delta.tool_calls![0];
  assert.equal(head.index, 0);
  assert.match(head.id!, /^call_/);
  assert.equal(head.type, "function");
  assert.deepEqual(head.function, { name: "lookup", arguments: "" });
  const frags = chunks.slice(2, -1).map((c) => c.choices[0].delta.tool_calls![0]);
  assert.ok(frags.length > 1);
  for (const f of frags) assert.deepEqual(Object.keys(f).sort(), ["function", "index"]);
  const args = frags.map((f) => f.function!.arguments).join("");
  const full = await p.chat({ ...r, stream: false }, { requestId: "r", signal: new AbortController().signal });
  assert.equal(args, full.choices[0].message.tool_calls![0].function.arguments);
  assert.equal(head.id, full.choices[0].message.tool_calls![0].id);
  assert.equal(chunks.at(-1)!.choices[0].finish_reason, "tool_calls");
});

test("n choices interleave, each with its own role, tokens and finish chunk", async () => {
  const chunks = await collect(sim(), req("x", { n: 2, max_tokens: 3 }));
  assert.equal(chunks.length, 2 * (1 + 3 + 1));
  for (const i of [0, 1]) {
    const mine = chunks.filter((c) => c.choices[0].index === i);
    assert.equal(mine.length, 5);
    assert.equal(mine.at(-1)!.choices[0].finish_reason, "length");
  }
});

test("non-ASCII answers stream whole characters and reassemble exactly", async () => {
  const text = "Grüße 👋🏽 — 日本語のテキスト";
  const chunks = await collect(sim(), req("x"), undefined, { "x-keel-sim": `answer=${encodeURIComponent(text)}` });
  const content = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
  assert.equal(content, text);
  for (const c of chunks) assert.ok(!(c.choices[0]?.delta.content ?? "").includes("\uFFFD"));
});

test("abort mid-stream stops it promptly with the signal's reason, timers cleared", async () => {
  const p = sim({ itl_ms: 50 });
  const ac = new AbortController();
  const got: ChatChunk[] = [];
  const t0 = performance.now();
  await assert.rejects(
    (async () => {
      for await (const c of p.chatStream(req("x", { max_tokens: 1000 }), { requestId: "r", signal: ac.signal })) {
        got.push(c);
        if (got.length === 3) setTimeout(() => ac.abort(new Error("deadline")), 10);
      }
    })(),
    /deadline/,
  );
  assert.ok(got.length < 10);
  assert.ok(performance.now() - t0 < 500);
});

test("abort with zero delays stops the stream at the next token", async () => {
  const ac = new AbortController();
  let n = 0;
  await assert.rejects(
    (async () => {
      for await (const _ of sim().chatStream(req("x", { max_tokens: 10_000 }), { requestId: "r", signal: ac.signal })) if (++n === 5) ac.abort(new Error("stop"));
    })(),
    /stop/,
  );
  assert.ok(n <= 6);
});

test("a bad x-keel-sim header throws invalid_request from the first next()", async () => {
  const it = sim().chatStream(req("x"), { requestId: "r", signal: new AbortController().signal, headers: { "x-keel-sim": "nope=1" } })[Symbol.asyncIterator]();
  await assert.rejects(it.next(), (e: unknown) => e instanceof KeelError && e.code === "invalid_request" && /nope/.test(e.message));
});
