/**
 * The response cache on the Messages and Responses surfaces, with the official clients
 * (`@anthropic-ai/sdk`, `openai`) against a real Keel serving the simulator: a repeated call is a
 * hit (header and trace), a streamed hit is that surface's own event grammar, a key field changes
 * the entry, an entry never answers another surface (even for the same internal body), and one
 * key never sees another key's entry.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { AnthropicMessagesRequest } from "../api/anthropic-messages-schema.js";
import type { ResponsesRequest } from "../api/responses-schema.js";
import { canonicalBody } from "../cache/cache-key.js";
import type { TraceRecord } from "../observe/types.js";
import { toChatRequest } from "../responses/to-chat.js";
import { checkAnthropicStream, parseSse } from "../testing/anthropic-event-grammar.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { until } from "../testing/until.js";
import { messagesToChat } from "./anthropic/request-to-chat.js";

let keel: TestKeel;
let anthropic: Anthropic;
let openai: OpenAI;
const traces = new Map<string, TraceRecord>();

before(async () => {
  keel = await startTestKeel({
    models: [{ name: "sim-tools", provider: "sim", model: "sim" }],
    // Tool-call answers are cached only where the route says so.
    cache: { enabled: true, routes: { "sim-tools": { cache_tool_calls: true } } },
  });
  anthropic = new Anthropic({ apiKey: keel.key, baseURL: keel.url, maxRetries: 0 });
  openai = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
  const writer = keel.app.traces;
  const record = writer.record.bind(writer);
  writer.record = (r: TraceRecord) => {
    traces.set(r.id, r);
    return record(r);
  };
});
after(async () => keel.close());

async function stored(): Promise<number> {
  return (await keel.admin("GET", "/api/v1/cache/stats")).json.stored as number;
}

/** Runs `call` and waits until its answer is in the cache (stored after the response, off the request path). */
async function storing<T>(call: () => Promise<T>): Promise<T> {
  const n = await stored();
  const out = await call();
  await until(async () => (await stored()) > n, "the answer to be stored");
  return out;
}

/** The trace of a call, once finalised (after its response). */
async function traceOf(requestId: string | null): Promise<TraceRecord> {
  assert.ok(requestId, "the response names its request");
  await until(() => traces.has(requestId), `the trace of ${requestId}`);
  return traces.get(requestId)!;
}

const chatAsk = (body: Record<string, unknown>, key = keel.key): Promise<Response> => fetch(`${keel.url}/v1/chat/completions`, {
  method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body),
});

describe("/v1/messages", () => {
  // Built apart and cast: this SDK version's types no longer list temperature or top_k, which the API still takes.
  const ask = (content: string, extra: Record<string, unknown> = {}, client = anthropic) =>
    client.messages.create({ model: "sim", max_tokens: 64, temperature: 0, system: "Be brief.", messages: [{ role: "user", content }], ...extra } as Anthropic.MessageCreateParamsNonStreaming).withResponse();

  test("the same call again is a hit: Anthropic's shape, the stored usage, no upstream call, the hit on the trace", async () => {
    const a = await storing(() => ask("What is a cache, in Messages?"));
    assert.equal(a.response.headers.get("x-keel-cache"), "miss");
    assert.ok(a.response.headers.get("x-keel-target"), "the miss went upstream");
    const b = await ask("What is a cache, in Messages?");
    assert.equal(b.response.headers.get("x-keel-cache"), "hit");
    assert.match(b.response.headers.get("age") ?? "", /^\d+$/);
    assert.equal(b.response.headers.get("x-keel-target"), null, "a hit is served without routing");
    assert.equal(b.data.type, "message");
    assert.match(b.data.id, /^msg_/);
    assert.notEqual(b.data.id, a.data.id, "each answer has its own id");
    assert.deepEqual(b.data.content, a.data.content);
    assert.equal(b.data.stop_reason, a.data.stop_reason);
    assert.deepEqual(b.data.usage, a.data.usage, "the client sees the stored usage, as on the chat surface");

    const miss = await traceOf(a.response.headers.get("request-id"));
    const hit = await traceOf(b.response.headers.get("request-id"));
    assert.equal(hit.surface, "anthropic.messages");
    assert.equal(miss.cache?.outcome, "miss");
    assert.equal(hit.cache?.outcome, "hit");
    assert.equal(hit.cache?.entry, miss.cache?.entry, "the hit names the entry its miss made");
    assert.equal(hit.cache?.tokens_saved, miss.tokensIn + miss.tokensOut);
    assert.equal(hit.tokensIn + hit.tokensOut, 0, "a hit costs and spends nothing");
    assert.equal(hit.costUsd, 0);
  });

  test("a streamed hit is Anthropic's event grammar, its text and usage the stored answer's; a plain call shares the entry", async () => {
    const body = { model: "sim", max_tokens: 64, temperature: 0, messages: [{ role: "user", content: "Stream a long answer about Messages caches" }] };
    const raw = (): Promise<Response> => fetch(`${keel.url}/v1/messages`, {
      method: "POST", headers: { "x-api-key": keel.key, "anthropic-version": "2023-06-01", "content-type": "application/json" }, body: JSON.stringify({ ...body, stream: true }),
    });
    const first = await storing(raw);
    assert.equal(first.headers.get("x-keel-cache"), "miss");
    const live = checkAnthropicStream(parseSse(await first.text()), { requireInputUsage: true });
    assert.deepEqual(live.violations, []);

    const again = await raw();
    assert.equal(again.headers.get("x-keel-cache"), "hit");
    const events = parseSse(await again.text());
    const replayed = checkAnthropicStream(events, { requireInputUsage: true });
    assert.deepEqual(replayed.violations, [], "the replay is a grammatical Messages stream");
    assert.equal(replayed.message!.content[0].text, live.message!.content[0].text);
    assert.ok(events.filter((e) => e.event === "content_block_delta").length > 1, "replayed as several deltas, not one");
    assert.equal(replayed.message!.usage.output_tokens, live.message!.usage.output_tokens, "message_delta carries the stored usage");

    // The SDK reads the replay as a stream, and a plain call is served the same entry (stream is not in the key).
    const sdk = anthropic.messages.stream(body as Anthropic.MessageStreamParams);
    let text = "";
    sdk.on("text", (t) => (text += t));
    const final = await sdk.finalMessage();
    assert.equal(text, live.message!.content[0].text);
    assert.equal((final.content[0] as Anthropic.TextBlock).text, text);
    const plain = await anthropic.messages.create(body as Anthropic.MessageCreateParamsNonStreaming).withResponse();
    assert.equal(plain.response.headers.get("x-keel-cache"), "hit");
    assert.equal((plain.data.content[0] as Anthropic.TextBlock).text, text);
  });

  test("a field that changes the answer misses; another key never sees the first key's entry", async () => {
    await storing(() => ask("Messages key fields"));
    assert.equal((await ask("Messages key fields")).response.headers.get("x-keel-cache"), "hit");
    assert.equal((await ask("Messages key fields", { max_tokens: 9 })).response.headers.get("x-keel-cache"), "miss");
    assert.equal((await ask("Messages key fields", { system: "Be long." })).response.headers.get("x-keel-cache"), "miss");
    assert.equal((await ask("Messages key fields", { top_k: 5 })).response.headers.get("x-keel-cache"), "miss", "a field only Anthropic has is in the key too");
    assert.equal((await ask("Messages key fields", { metadata: { user_id: "someone" } })).response.headers.get("x-keel-cache"), "hit", "attribution is not");
    const other = keel.app.keys.create({ name: "messages-tenant-b" });
    const b = new Anthropic({ apiKey: other.key, baseURL: keel.url, maxRetries: 0 });
    assert.equal((await ask("Messages key fields", {}, b)).response.headers.get("x-keel-cache"), "miss", "scope: key by default");
  });

  test("the same internal body on /v1/chat/completions is another entry, both ways", async () => {
    const msg: AnthropicMessagesRequest = { model: "sim", max_tokens: 64, temperature: 0, system: "Be brief.", messages: [{ role: "user", content: "One body, two surfaces (M)" }] };
    const chat = { model: "sim", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "One body, two surfaces (M)" }], max_tokens: 64, temperature: 0 };
    // The test means something only if the two translate to one body of record.
    assert.equal(canonicalBody(messagesToChat(msg) as Record<string, unknown>), canonicalBody(chat));
    await storing(() => ask("One body, two surfaces (M)"));
    assert.equal((await ask("One body, two surfaces (M)")).response.headers.get("x-keel-cache"), "hit");
    const c = await storing(() => chatAsk(chat));
    assert.equal(c.headers.get("x-keel-cache"), "miss", "a Messages entry never answers chat");
    assert.equal((await chatAsk(chat)).headers.get("x-keel-cache"), "hit");
    // And a chat entry never answers Messages.
    const chat2 = { ...chat, messages: [chat.messages[0], { role: "user", content: "Chat first (M)" }] };
    await storing(() => chatAsk(chat2));
    assert.equal((await chatAsk(chat2)).headers.get("x-keel-cache"), "hit");
    assert.equal((await ask("Chat first (M)")).response.headers.get("x-keel-cache"), "miss");
  });
});

test("a tool call replays as each surface's tool events: tool_use with input_json_delta, function_call with argument deltas", async () => {
  const weather = { name: "get_weather", description: "Weather for a city", input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] } };
  const msgBody = { model: "sim-tools", max_tokens: 64, temperature: 0, stream: true, tools: [weather], tool_choice: { type: "any" }, messages: [{ role: "user", content: "Weather in Oslo, cached?" }] };
  const messages = (): Promise<Response> => fetch(`${keel.url}/v1/messages`, {
    method: "POST", headers: { "x-api-key": keel.key, "anthropic-version": "2023-06-01", "content-type": "application/json" }, body: JSON.stringify(msgBody),
  });
  const live = await storing(messages);
  const liveMsg = checkAnthropicStream(parseSse(await live.text()), { requireInputUsage: true });
  const hit = await messages();
  assert.equal(hit.headers.get("x-keel-cache"), "hit");
  const events = parseSse(await hit.text());
  const replayed = checkAnthropicStream(events, { requireInputUsage: true });
  assert.deepEqual(replayed.violations, []);
  const use = replayed.message!.content.find((b) => b.type === "tool_use")!;
  assert.equal(use.name, "get_weather");
  assert.deepEqual(use.input, liveMsg.message!.content.find((b) => b.type === "tool_use")!.input);
  assert.ok(events.some((e) => e.data.delta?.type === "input_json_delta"));
  assert.equal(replayed.message!.stop_reason, "tool_use");

  const tools = [{ type: "function" as const, name: "get_weather", description: "Weather for a city", strict: true, parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false } }];
  const ask = () => openai.responses.create({ model: "sim-tools", temperature: 0, input: "Weather in Oslo, cached?", tools, tool_choice: "required" }).withResponse();
  const first = await storing(ask);
  const call = first.data.output.find((o) => o.type === "function_call")!;
  const hits = (await keel.admin("GET", "/api/v1/cache/stats")).json.hits as number;
  const stream = await openai.responses.stream({ model: "sim-tools", temperature: 0, input: "Weather in Oslo, cached?", tools, tool_choice: "required" });
  const argDeltas: string[] = [];
  stream.on("response.function_call_arguments.delta", (e) => argDeltas.push(e.delta));
  const final = await stream.finalResponse();
  const replayedCall = final.output.find((o) => o.type === "function_call")!;
  assert.ok(call.type === "function_call" && replayedCall.type === "function_call");
  assert.equal(replayedCall.arguments, call.arguments);
  assert.equal(replayedCall.call_id, call.call_id);
  assert.equal(argDeltas.join(""), call.arguments, "the arguments arrive as deltas");
  assert.equal((await keel.admin("GET", "/api/v1/cache/stats")).json.hits, hits + 1, "the stream was a hit");
  assert.equal((await ask()).response.headers.get("x-keel-cache"), "hit");
});

describe("/v1/responses", () => {
  const ask = (input: string, extra: Partial<OpenAI.Responses.ResponseCreateParamsNonStreaming> = {}, client = openai) =>
    client.responses.create({ model: "sim", temperature: 0, instructions: "Be brief.", input, ...extra }).withResponse();

  test("the same call again is a hit: a new stored response with the stored answer and usage, the hit on the trace", async () => {
    const a = await storing(() => ask("What is a cache, in Responses?"));
    assert.equal(a.response.headers.get("x-keel-cache"), "miss");
    const b = await ask("What is a cache, in Responses?");
    assert.equal(b.response.headers.get("x-keel-cache"), "hit");
    assert.equal(b.response.headers.get("x-keel-target"), null, "a hit is served without routing");
    assert.equal(b.data.object, "response");
    assert.equal(b.data.status, "completed");
    assert.notEqual(b.data.id, a.data.id, "a hit is a response of its own");
    assert.equal(b.data.output_text, a.data.output_text);
    assert.deepEqual(b.data.usage, a.data.usage, "the client sees the stored usage, as on the chat surface");
    assert.equal(b.data.instructions, "Be brief.");

    // Stored like any response: readable, and a conversation continues from it.
    const got = await openai.responses.retrieve(b.data.id);
    assert.equal(got.output_text, b.data.output_text);
    const next = await openai.responses.create({ model: "sim", temperature: 0, input: "And then?", previous_response_id: b.data.id });
    assert.equal(next.status, "completed");

    const miss = await traceOf(a.response.headers.get("x-request-id"));
    const hit = await traceOf(b.response.headers.get("x-request-id"));
    assert.equal(hit.surface, "openai.responses");
    assert.equal(hit.cache?.outcome, "hit");
    assert.equal(hit.cache?.entry, miss.cache?.entry);
    assert.equal(hit.tokensIn + hit.tokensOut, 0);
    assert.equal(hit.costUsd, 0);
  });

  test("a streamed hit is the Responses event sequence, numbered, its text the stored answer's", async () => {
    const body = { model: "sim", temperature: 0, input: "Stream a long answer about Responses caches", stream: true };
    const raw = (): Promise<Response> => fetch(`${keel.url}/v1/responses`, {
      method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" }, body: JSON.stringify(body),
    });
    const first = await storing(raw);
    assert.equal(first.headers.get("x-keel-cache"), "miss");
    const live = responseEvents(await first.text());
    const again = await raw();
    assert.equal(again.headers.get("x-keel-cache"), "hit");
    const replay = responseEvents(await again.text());
    // Deltas are word-sized pieces on a replay, the upstream's tokens live: compared as one run.
    const runs = (types: string[]): string[] => types.filter((t, i) => t !== types[i - 1]);
    assert.deepEqual(runs(replay.types), runs(live.types), "the same events in the same order as the live stream");
    assert.equal(replay.text, live.text);
    assert.ok(replay.types.filter((t) => t === "response.output_text.delta").length > 1, "replayed as several deltas, not one");
    assert.deepEqual(replay.final.usage, live.final.usage);
    assert.notEqual(replay.final.id, live.final.id);

    // The SDK's stream helper assembles the replay (it throws on events out of place).
    const sdk = await openai.responses.stream({ model: "sim", temperature: 0, input: "Stream a long answer about Responses caches" }).finalResponse();
    assert.equal(sdk.output_text, live.text);
  });

  test("a field that changes the answer misses; another key never sees the first key's entry", async () => {
    await storing(() => ask("Responses key fields"));
    assert.equal((await ask("Responses key fields")).response.headers.get("x-keel-cache"), "hit");
    assert.equal((await ask("Responses key fields", { max_output_tokens: 9 })).response.headers.get("x-keel-cache"), "miss");
    assert.equal((await ask("Responses key fields", { instructions: "Be long." })).response.headers.get("x-keel-cache"), "miss");
    assert.equal((await ask("Responses key fields", { store: false, metadata: { tag: "x" } })).response.headers.get("x-keel-cache"), "hit", "store and metadata do not change the answer");
    const other = keel.app.keys.create({ name: "responses-tenant-b" });
    const b = new OpenAI({ apiKey: other.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
    assert.equal((await ask("Responses key fields", {}, b)).response.headers.get("x-keel-cache"), "miss", "scope: key by default");
  });

  test("the same internal body on /v1/chat/completions is another entry, both ways", async () => {
    const req = { model: "sim", temperature: 0, instructions: "Be brief.", input: "One body, two surfaces (R)" } as ResponsesRequest;
    const chat = { model: "sim", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "One body, two surfaces (R)" }], temperature: 0 };
    assert.equal(canonicalBody(toChatRequest(req, null).chat as Record<string, unknown>), canonicalBody(chat));
    await storing(() => ask("One body, two surfaces (R)"));
    assert.equal((await ask("One body, two surfaces (R)")).response.headers.get("x-keel-cache"), "hit");
    assert.equal((await storing(() => chatAsk(chat))).headers.get("x-keel-cache"), "miss", "a Responses entry never answers chat");
    const chat2 = { ...chat, messages: [chat.messages[0], { role: "user", content: "Chat first (R)" }] };
    await storing(() => chatAsk(chat2));
    assert.equal((await ask("Chat first (R)")).response.headers.get("x-keel-cache"), "miss", "a chat entry never answers Responses");
  });
});

/** A Responses event stream parsed and checked: each event named as its type, numbered 0, 1, 2…, created first and completed last. */
function responseEvents(text: string): { types: string[]; text: string; final: OpenAI.Responses.Response } {
  const events = parseSse(text);
  const types = events.map((e) => e.event);
  events.forEach((e, i) => {
    assert.equal(e.data.type, e.event);
    assert.equal(e.data.sequence_number, i);
  });
  assert.equal(types[0], "response.created");
  assert.equal(types[1], "response.in_progress");
  assert.equal(types.at(-1), "response.completed");
  const deltas = events.filter((e) => e.event === "response.output_text.delta").map((e) => e.data.delta as string).join("");
  const final = events.at(-1)!.data.response as OpenAI.Responses.Response;
  const done = events.find((e) => e.event === "response.output_text.done")!;
  assert.equal(done.data.text, deltas);
  return { types, text: deltas, final };
}
