import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatRequest, FunctionTool } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { countPromptTokens, countTextTokens } from "../../tokens/count.js";
import type { CallContext } from "../types.js";
import { simOptionsSchema, type SimOptionsInput } from "./options.js";
import { createSimProvider, type SimProvider } from "./provider.js";

function sim(opts: Partial<SimOptionsInput> = {}): SimProvider {
  return createSimProvider(simOptionsSchema.parse({ kind: "sim", ...opts }));
}

function ctx(headers?: Record<string, string>): CallContext {
  return { requestId: "req-1", signal: new AbortController().signal, headers };
}

function req(content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: "sim-test", messages: [{ role: "system", content: "Be brief." }, { role: "user", content }], ...extra };
}

const weather: FunctionTool = {
  type: "function",
  function: {
    name: "get_weather",
    parameters: {
      type: "object",
      additionalProperties: false,
      required: ["city", "unit"],
      properties: { city: { type: "string" }, unit: { enum: ["c", "f"] }, days: { type: "integer", minimum: 1, maximum: 7 } },
    },
  },
};
const search: FunctionTool = { type: "function", function: { name: "searchDocs", parameters: { type: "object", properties: { q: { type: "string" } } } } };

test("answers deterministically: same request, same text; a different prompt or seed changes it", async () => {
  const a = await sim().chat(req("Tell me about rivers."), ctx());
  const b = await sim().chat(req("Tell me about rivers."), ctx());
  assert.equal(a.choices[0].message.content, b.choices[0].message.content);
  assert.notEqual(a.id, b.id);
  const other = await sim().chat(req("Tell me about lakes."), ctx());
  assert.notEqual(other.choices[0].message.content, a.choices[0].message.content);
  const seeded = await sim().chat(req("Tell me about rivers.", { seed: 7 }), ctx());
  assert.notEqual(seeded.choices[0].message.content, a.choices[0].message.content);
  assert.equal((await sim().chat(req("Tell me about rivers.", { seed: 7 }), ctx())).choices[0].message.content, seeded.choices[0].message.content);
});

test("shape: OpenAI completion with id, model echo, fingerprint and usage from gpt-tokenizer", async () => {
  const r = req("How are you?");
  const c = await sim().chat(r, ctx());
  assert.match(c.id, /^chatcmpl-/);
  assert.equal(c.object, "chat.completion");
  assert.equal(c.model, "sim-test");
  assert.equal(c.system_fingerprint, "sim-1");
  assert.equal(c.choices[0].message.role, "assistant");
  assert.equal(c.choices[0].finish_reason, "stop");
  const text = c.choices[0].message.content!;
  assert.equal(c.usage!.prompt_tokens, countPromptTokens(r));
  assert.equal(c.usage!.completion_tokens, countTextTokens(text));
  assert.equal(c.usage!.total_tokens, c.usage!.prompt_tokens + c.usage!.completion_tokens);
  assert.equal(c.usage!.prompt_tokens_details!.cached_tokens, 0);
});

test("default length is default_answer_tokens ±50%", async () => {
  const p = sim({ default_answer_tokens: 40 });
  for (let i = 0; i < 30; i++) {
    const c = await p.chat(req(`question ${i}`), ctx());
    const n = c.usage!.completion_tokens;
    assert.ok(n >= 20 && n <= 60, `${n}`);
  }
});

test("max_tokens and max_completion_tokens set the length and end with finish_reason length", async () => {
  const c = await sim().chat(req("Write an essay.", { max_tokens: 100 }), ctx());
  assert.equal(c.usage!.completion_tokens, 100);
  assert.equal(countTextTokens(c.choices[0].message.content!), 100);
  assert.equal(c.choices[0].finish_reason, "length");
  const d = await sim().chat(req("Write an essay.", { max_tokens: 100, max_completion_tokens: 7 }), ctx());
  assert.equal(d.usage!.completion_tokens, 7);
  const capped = await sim({ max_answer_tokens: 50 }).chat(req("Write an essay.", { max_tokens: 1000 }), ctx());
  assert.equal(capped.usage!.completion_tokens, 50);
  assert.equal(capped.choices[0].finish_reason, "stop", "cut by the simulator's cap, not by max_tokens");
  await assert.rejects(sim().chat(req("x", { max_tokens: 0 }), ctx()), (e: unknown) => e instanceof KeelError && e.param === "max_tokens");
});

test("n gives n distinct choices, deterministic per index, with summed usage", async () => {
  const c = await sim().chat(req("Name a colour.", { n: 3 }), ctx());
  assert.equal(c.choices.length, 3);
  assert.deepEqual(c.choices.map((x) => x.index), [0, 1, 2]);
  assert.equal(new Set(c.choices.map((x) => x.message.content)).size, 3);
  const sum = c.choices.reduce((s, x) => s + countTextTokens(x.message.content!), 0);
  assert.equal(c.usage!.completion_tokens, sum);
  const again = await sim().chat(req("Name a colour.", { n: 3 }), ctx());
  assert.deepEqual(again.choices.map((x) => x.message.content), c.choices.map((x) => x.message.content));
  await assert.rejects(sim().chat(req("x", { n: 0 }), ctx()), /n must be/);
});

test("stop truncates at the first stop string and ends with stop", async () => {
  const full = (await sim().chat(req("Go on.", { max_tokens: 60 }), ctx())).choices[0].message.content!;
  const words = full.split(" ");
  const stopWord = " " + words[5];
  const c = await sim().chat(req("Go on.", { max_tokens: 60, stop: ["zzz-never", stopWord] }), ctx());
  const text = c.choices[0].message.content!;
  assert.equal(text, full.slice(0, full.indexOf(stopWord)));
  assert.equal(c.choices[0].finish_reason, "stop");
  assert.equal(c.usage!.completion_tokens, countTextTokens(text));
  const single = await sim().chat(req("Go on.", { max_tokens: 60, stop: stopWord }), ctx());
  assert.equal(single.choices[0].message.content, text);
});

test("response_format json_object gives a JSON object; json_schema gives a value of that schema", async () => {
  const o = await sim().chat(req("Reply in JSON.", { response_format: { type: "json_object" } }), ctx());
  const parsed = JSON.parse(o.choices[0].message.content!);
  assert.equal(typeof parsed, "object");
  assert.ok(!Array.isArray(parsed) && parsed !== null);
  const schema = {
    type: "object",
    additionalProperties: false,
    required: ["title", "rating", "tags"],
    properties: { title: { type: "string" }, rating: { type: "integer", minimum: 1, maximum: 5 }, tags: { type: "array", items: { type: "string" }, minItems: 2 } },
  };
  const s = await sim().chat(req("Review it.", { response_format: { type: "json_schema", json_schema: { name: "review", schema, strict: true } } }), ctx());
  const v = JSON.parse(s.choices[0].message.content!);
  assert.deepEqual(Object.keys(v).sort(), ["rating", "tags", "title"]);
  assert.ok(Number.isInteger(v.rating) && v.rating >= 1 && v.rating <= 5);
  assert.ok(Array.isArray(v.tags) && v.tags.length >= 2 && v.tags.every((t: unknown) => typeof t === "string"));
  assert.equal(s.usage!.completion_tokens, countTextTokens(s.choices[0].message.content!));
});

test("a JSON answer longer than max_tokens is cut like a model's, with finish_reason length", async () => {
  const c = await sim().chat(req("JSON please", { max_tokens: 3, response_format: { type: "json_object" } }), ctx());
  assert.equal(c.choices[0].finish_reason, "length");
  assert.equal(c.usage!.completion_tokens, 3);
  assert.throws(() => JSON.parse(c.choices[0].message.content!));
});

function assertWeatherCall(c: Awaited<ReturnType<SimProvider["chat"]>>): void {
  const choice = c.choices[0];
  assert.equal(choice.finish_reason, "tool_calls");
  assert.equal(choice.message.content, null);
  const call = choice.message.tool_calls![0];
  assert.match(call.id, /^call_[A-Za-z0-9]{24}$/);
  assert.equal(call.type, "function");
  assert.equal(call.function.name, "get_weather");
  const args = JSON.parse(call.function.arguments);
  assert.equal(typeof args.city, "string");
  assert.ok(args.unit === "c" || args.unit === "f");
  assert.ok(Object.keys(args).every((k) => ["city", "unit", "days"].includes(k)));
  assert.equal(c.usage!.completion_tokens, countTextTokens(call.function.name + call.function.arguments));
}

test("tool_choice required and named always call; auto calls when the message names the tool; none never", async () => {
  const tools = [search, weather];
  assertWeatherCall(await sim().chat(req("Hello", { tools: [weather, search], tool_choice: "required" }), ctx()));
  assertWeatherCall(await sim().chat(req("Hello", { tools, tool_choice: { type: "function", function: { name: "get_weather" } } }), ctx()));
  assertWeatherCall(await sim().chat(req("Please get weather for Oslo", { tools }), ctx()));
  assertWeatherCall(await sim().chat(req("call get_weather now", { tools, tool_choice: "auto" }), ctx()));
  const camel = await sim().chat(req("can you search docs for me", { tools }), ctx());
  assert.equal(camel.choices[0].message.tool_calls![0].function.name, "searchDocs");
  const plain = await sim().chat(req("Hello there", { tools }), ctx());
  assert.equal(plain.choices[0].finish_reason, "stop");
  assert.equal(typeof plain.choices[0].message.content, "string");
  const none = await sim().chat(req("get_weather please", { tools, tool_choice: "none" }), ctx());
  assert.equal(none.choices[0].message.tool_calls, undefined);
  await assert.rejects(
    sim().chat(req("x", { tools, tool_choice: { type: "function", function: { name: "nope" } } }), ctx()),
    (e: unknown) => e instanceof KeelError && e.code === "invalid_request" && e.param === "tool_choice",
  );
});

test("rules: the first regex matching the last user message answers with text, a tool call or JSON", async () => {
  const p = sim({
    rules: [
      { match: "^ping$", text: "pong" },
      { match: "refund", flags: "i", tool_call: { name: "open_ticket", arguments: { kind: "refund" } } },
      { match: "status", json: { ok: true, n: 3 } },
      { match: "status|ping", text: "never reached for status" },
    ],
  });
  const pong = await p.chat(req("ping"), ctx());
  assert.equal(pong.choices[0].message.content, "pong");
  assert.equal(pong.usage!.completion_tokens, countTextTokens("pong"));
  const ticket = await p.chat(req("I want a REFUND"), ctx());
  assert.equal(ticket.choices[0].finish_reason, "tool_calls");
  assert.deepEqual(JSON.parse(ticket.choices[0].message.tool_calls![0].function.arguments), { kind: "refund" });
  const status = await p.chat(req("system status?"), ctx());
  assert.deepEqual(JSON.parse(status.choices[0].message.content!), { ok: true, n: 3 });
  const other = await p.chat({ model: "m", messages: [{ role: "user", content: "ping" }, { role: "assistant", content: "pong" }, { role: "user", content: "hi" }] }, ctx());
  assert.notEqual(other.choices[0].message.content, "pong", "only the last user message counts");
});

test("the options schema rejects a bad regex and a rule without exactly one answer", () => {
  assert.throws(() => simOptionsSchema.parse({ kind: "sim", rules: [{ match: "(", text: "x" }] }), /valid regular expression/);
  assert.throws(() => simOptionsSchema.parse({ kind: "sim", rules: [{ match: "a" }] }), /exactly one/);
  assert.throws(() => simOptionsSchema.parse({ kind: "sim", rules: [{ match: "a", text: "x", json: 1 }] }), /exactly one/);
  assert.throws(() => simOptionsSchema.parse({ kind: "sim", rules: [{ match: "a", flags: "g", text: "x" }] }));
  assert.equal(simOptionsSchema.parse({ kind: "sim" }).faults.error_rate, 0, "omitted faults get their defaults");
});

test("x-keel-sim answer= replaces the answer for every choice", async () => {
  const c = await sim().chat(req("anything", { n: 2 }), ctx({ "x-keel-sim": "answer=Hello%2C%20world%3B" }));
  assert.deepEqual(c.choices.map((x) => x.message.content), ["Hello, world;", "Hello, world;"]);
});

test("prefix cache: a repeated long prompt reports cached tokens in whole blocks", async () => {
  const p = sim({ prefix_block_tokens: 16 });
  const long = "The quick brown fox jumps over the lazy dog. ".repeat(40);
  const r1 = await p.chat(req(long), ctx());
  assert.equal(r1.usage!.prompt_tokens_details!.cached_tokens, 0);
  const r2 = await p.chat(req(long), ctx());
  const cached = r2.usage!.prompt_tokens_details!.cached_tokens!;
  assert.ok(cached > 0 && cached % 16 === 0 && cached <= r2.usage!.prompt_tokens, `${cached}`);
  assert.ok(r2.usage!.prompt_tokens - cached < 32, "all but the partial tail block and message overhead is cached");
  // same system prompt and a different question: the shared head is cached
  const r3 = await p.chat(req(long + " And one more question?"), ctx());
  assert.ok(r3.usage!.prompt_tokens_details!.cached_tokens! > 0);
  // another model has its own hash chain
  const r4 = await p.chat({ ...req(long), model: "other" }, ctx());
  assert.equal(r4.usage!.prompt_tokens_details!.cached_tokens, 0);
  assert.ok(p.prefixCache.size > 0);
});

test("prefix cache: LRU capacity evicts older prompts", async () => {
  const p = sim({ prefix_block_tokens: 16, prefix_cache_blocks: 40 });
  const a = "alpha beta gamma delta ".repeat(100); // ~400 tokens: 25 blocks
  const b = "one two three four five ".repeat(100);
  await p.chat(req(a), ctx());
  assert.ok((await p.chat(req(a), ctx())).usage!.prompt_tokens_details!.cached_tokens! >= 300);
  await p.chat(req(b), ctx()); // 25 more blocks: a's tail is evicted
  const aAgain = (await p.chat(req(a), ctx())).usage!.prompt_tokens_details!.cached_tokens!;
  assert.ok(aAgain > 0 && aAgain < 300, `${aAgain}`);
  const off = sim({ prefix_cache_blocks: 0 });
  await off.chat(req(a), ctx());
  assert.equal((await off.chat(req(a), ctx())).usage!.prompt_tokens_details!.cached_tokens, 0);
});

test("TTFT includes prefill of uncached tokens only, so a cached prompt answers sooner", async () => {
  const p = sim({ prefill_us_per_token: 200, prefix_block_tokens: 16 });
  const long = "Sphinx of black quartz, judge my vow. ".repeat(60); // ~600 tokens ≈ 120 ms cold
  let t = performance.now();
  await p.chat(req(long), ctx());
  const cold = performance.now() - t;
  t = performance.now();
  await p.chat(req(long), ctx());
  const warm = performance.now() - t;
  assert.ok(cold >= 100, `cold ${cold}`);
  assert.ok(warm < cold / 2, `warm ${warm} vs cold ${cold}`);
});

test("chat() takes ttft + (tokens − 1) × itl, and rejects promptly on abort", async () => {
  const p = sim({ ttft_ms: 30, itl_ms: 10 });
  const t = performance.now();
  await p.chat(req("x", { max_tokens: 6 }), ctx());
  assert.ok(performance.now() - t >= 75, `${performance.now() - t}`);
  const ac = new AbortController();
  const started = performance.now();
  const pending = p.chat(req("x", { max_tokens: 1000 }), { requestId: "r", signal: ac.signal });
  setTimeout(() => ac.abort(new Error("client gone")), 20);
  await assert.rejects(pending, /client gone/);
  assert.ok(performance.now() - started < 1000);
});
