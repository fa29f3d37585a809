/**
 * The recorded Anthropic streams (testing/anthropic-streams/) through both translation directions,
 * every stream checked against the event grammar (testing/anthropic-event-grammar.ts):
 *
 *   Anthropic events → internal chunks (the Anthropic adapter) → Anthropic events (this surface)
 *   internal chunks → Anthropic events (this surface) → internal chunks (the adapter), compared
 *
 * Plus the failure modes other gateways have shipped (issue 20), each its own test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatChunk } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { AnthropicStreamTranslator } from "../../providers/anthropic/translate-stream.js";
import { checkAnthropicStream, parseSse, type SseEvent } from "../../testing/anthropic-event-grammar.js";
import { StreamAssembler } from "../stream-assembler.js";
import { AnthropicEventWriter } from "./chat-to-events.js";

const DIR = new URL("../../testing/anthropic-streams/", import.meta.url).pathname;
const corpus = readdirSync(DIR).filter((f) => f.endsWith(".sse")).sort();

/** Anthropic events → internal chunks, as the adapter yields them; the error it throws, if any. */
function toChunks(events: readonly SseEvent[]): { chunks: ChatChunk[]; error: KeelError | null } {
  const t = new AnthropicStreamTranslator("claude", false);
  const chunks: ChatChunk[] = [];
  try {
    for (const e of events) {
      const c = t.push(e.event, JSON.stringify(e.data));
      if (c) chunks.push(c);
    }
  } catch (err) {
    return { chunks, error: err as KeelError };
  }
  return { chunks, error: null };
}

/** Internal chunks → this surface's SSE, as respondMessages writes it. */
function toEvents(chunks: readonly ChatChunk[], error: KeelError | null = null, promptTokens = 7): string {
  const w = new AnthropicEventWriter("claude-x", promptTokens);
  let out = "";
  for (const c of chunks) out += w.push(c);
  return out + (error ? w.error("api_error", error.message) : w.end());
}

function assembled(chunks: readonly ChatChunk[]): ReturnType<StreamAssembler["result"]> {
  const a = new StreamAssembler();
  for (const c of chunks) a.add(c);
  return a.result();
}

test("the corpus covers text, several blocks, tool use, thinking with signature, ping and an in-stream error", () => {
  assert.deepEqual(corpus, ["error.sse", "ping.sse", "several-blocks.sse", "text.sse", "thinking.sse", "tool-use.sse"]);
});

for (const file of corpus) {
  const events = parseSse(readFileSync(join(DIR, file), "utf8"));

  test(`${file}: the recording itself satisfies the grammar`, () => {
    assert.deepEqual(checkAnthropicStream(events, { requireInputUsage: true }).violations, []);
  });

  test(`${file}: Anthropic → internal → Anthropic keeps text, thinking and its signature, tool input, stop reason and every usage field`, () => {
    const source = checkAnthropicStream(events);
    const { chunks, error } = toChunks(events);
    const out = checkAnthropicStream(parseSse(toEvents(chunks, error)), { requireInputUsage: true });
    assert.deepEqual(out.violations, []);
    if (source.error) {
      assert.ok(error, "the adapter turned the in-stream error into a failure");
      assert.equal(out.error?.type, "api_error");
      assert.match(out.error!.message, /overloaded_error: Overloaded/);
      return;
    }
    const want = source.message!;
    const got = out.message!;
    const kept = want.content;
    assert.deepEqual(got.content.map((b) => b.type), kept.map((b) => b.type));
    kept.forEach((b, i) => {
      if (b.type === "text") assert.equal(got.content[i].text, b.text);
      if (b.type === "thinking") {
        assert.equal(got.content[i].thinking, b.thinking);
        assert.equal(got.content[i].signature, b.signature, "the signature survives, or the next turn is refused upstream");
      }
      if (b.type === "tool_use") {
        assert.equal(got.content[i].id, b.id);
        assert.equal(got.content[i].name, b.name);
        assert.deepEqual(got.content[i].input, b.input);
      }
    });
    assert.equal(got.stop_reason, want.stop_reason);
    for (const k of ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"]) {
      assert.equal(got.usage[k], want.usage[k], `usage.${k} at message_delta`);
    }
  });

  test(`${file}: internal → Anthropic → internal gives back the same answer`, () => {
    const { chunks, error } = toChunks(events);
    if (error) return assert.ok(error instanceof KeelError);
    const sse = toEvents(chunks);
    assert.deepEqual(checkAnthropicStream(parseSse(sse), { requireInputUsage: true }).violations, []);
    const back = toChunks(parseSse(sse));
    assert.equal(back.error, null);
    const a = assembled(chunks);
    const b = assembled(back.chunks);
    assert.deepEqual(b.choices, a.choices);
    assert.deepEqual(b.usage, a.usage);
  });
}

// OpenAI-style chunk streams, as OpenAI-compatible targets (and `sim`) send them.

function chunk(delta: ChatChunk["choices"][number]["delta"] & Record<string, unknown>, finish: ChatChunk["choices"][number]["finish_reason"] = null): ChatChunk {
  return { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-x", choices: [{ index: 0, delta, finish_reason: finish }] };
}
const usage = { prompt_tokens: 130, completion_tokens: 20, total_tokens: 150, prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 0 } };
const usageChunk: ChatChunk = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-x", choices: [], usage };

test("message_start carries the prompt's real input count, not zero, and is sent once", () => {
  const sse = toEvents([chunk({ role: "assistant", content: "" }), chunk({ content: "hi" }), chunk({}, "stop"), usageChunk], null, 42);
  const events = parseSse(sse);
  assert.equal(events.filter((e) => e.event === "message_start").length, 1);
  assert.equal(events[0].data.message.usage.input_tokens, 42);
  assert.equal(events[1].event, "ping");
  assert.deepEqual(checkAnthropicStream(events, { requireInputUsage: true }).violations, []);
  // The upstream's exact counts arrive at message_delta, cache reads in their own field.
  const delta = events.find((e) => e.event === "message_delta")!;
  assert.deepEqual(delta.data.usage, { input_tokens: 30, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 });
});

test("tool calls from OpenAI-style deltas: top-level id/name/input {}, every argument fragment kept (those on the id chunk too)", () => {
  const sse = toEvents([
    chunk({ role: "assistant", content: null }),
    chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "{\"ci" } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: "ty\": \"Oslo\"}" } }] }),
    chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: "" } }] }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: "{\"tz\": \"CET\"}" } }] }),
    chunk({}, "tool_calls"),
    usageChunk,
  ]);
  const r = checkAnthropicStream(parseSse(sse), { requireInputUsage: true });
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.message!.content, [
    { type: "tool_use", id: "call_a", name: "get_weather", input: { city: "Oslo" } },
    { type: "tool_use", id: "call_b", name: "get_time", input: { tz: "CET" } },
  ]);
  assert.equal(r.message!.stop_reason, "tool_use");
});

test("reasoning becomes its own thinking block, never text inside it", () => {
  const sse = toEvents([
    chunk({ role: "assistant", reasoning_content: "Let me think. " }),
    chunk({ reasoning_content: "Done." }),
    chunk({ content: "Answer." }),
    chunk({}, "stop"),
  ]);
  const events = parseSse(sse);
  const r = checkAnthropicStream(events);
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.message!.content.map((b) => [b.type, b.thinking ?? b.text]), [["thinking", "Let me think. Done."], ["text", "Answer."]]);
});

test("a late fragment of a closed tool call is refused, not dropped", () => {
  const w = new AnthropicEventWriter("m", 1);
  w.push(chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: "{" } }] }));
  w.push(chunk({ tool_calls: [{ index: 1, id: "b", function: { name: "g", arguments: "{}" } }] }));
  assert.throws(() => w.push(chunk({ tool_calls: [{ index: 0, function: { arguments: "}" } }] })), /interleaved/);
});

test("the checker catches each known gateway bug", () => {
  const start = (usage: object): SseEvent => ({ event: "message_start", data: { type: "message_start", message: { type: "message", role: "assistant", content: [], usage } } });
  const u = { input_tokens: 5, output_tokens: 1 };
  const end: SseEvent[] = [
    { event: "message_delta", data: { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 1 } } },
    { event: "message_stop", data: { type: "message_stop" } },
  ];
  const violations = (events: SseEvent[]): string => checkAnthropicStream(events, { requireInputUsage: true }).violations.join("; ");
  assert.match(violations([start({ input_tokens: 0, output_tokens: 0 }), ...end]), /zero input usage/);
  assert.match(violations([start(u), start(u), ...end]), /second message_start/);
  assert.match(violations([start(u),
    { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "tool_use", tool_use: { id: "t", name: "f", input: {} } } } },
    { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } }, ...end]), /without top-level id and name/);
  assert.match(violations([start(u),
    { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
    { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "x" } } },
    { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } }, ...end]), /thinking_delta inside a text block/);
  assert.match(violations([start(u),
    { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "t", name: "f", input: {} } } },
    { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "{\"a\":" } } },
    { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } }, ...end]), /do not join into JSON/);
  assert.match(violations([start(u)]), /without message_stop or error/);
});

test("every event this surface writes has the recorded event's shape: the same keys at each level, per event, block and delta type", () => {
  const shapes = new Map<string, string>();
  const shapeOf = (e: SseEvent): [string, string] => {
    const d = e.data;
    const kind = [e.event, d.content_block?.type, d.delta?.type].filter(Boolean).join("/");
    const keys = (o: unknown): string => (o && typeof o === "object" ? Object.keys(o).sort().join(",") : "");
    // usage is left out: Anthropic's message_delta repeats input and cache counts in newer streams, older ones only output_tokens.
    const shape = [keys(d), keys(d.message && { ...d.message, usage: undefined }), keys(d.content_block), keys(d.delta && (d.delta.type ? d.delta : { ...d.delta }))].join(" | ");
    return [kind, shape];
  };
  for (const file of corpus) for (const e of parseSse(readFileSync(join(DIR, file), "utf8"))) {
    const [kind, shape] = shapeOf(e);
    shapes.set(kind, shape);
  }
  let checked = 0;
  for (const file of corpus) {
    const { chunks, error } = toChunks(parseSse(readFileSync(join(DIR, file), "utf8")));
    for (const e of parseSse(toEvents(chunks, error))) {
      const [kind, shape] = shapeOf(e);
      assert.ok(shapes.has(kind), `${file}: ${kind} is not in the recorded corpus`);
      assert.equal(shape, shapes.get(kind), `${file}: ${kind}`);
      checked++;
    }
  }
  assert.ok(checked > 40);
});
