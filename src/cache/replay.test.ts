import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletion } from "../api/chat-types.js";
import { pieces, replayChunks } from "./replay.js";

const completion = (message: ChatCompletion["choices"][number]["message"], finish: "stop" | "tool_calls" = "stop"): ChatCompletion => ({
  id: "chatcmpl-x", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message, finish_reason: finish }],
});

test("pieces join back to the text exactly and stay word-sized", () => {
  const text = "The quick brown fox jumps over the lazy dog, again and again.\n\nTwice.";
  const p = pieces(text);
  assert.equal(p.join(""), text);
  assert.ok(p.length > 2);
  assert.ok(pieces("x".repeat(1000)).every((s) => s.length <= 64));
  assert.deepEqual(pieces(""), []);
});

test("a replay has a live stream's shape: role first, content pieces, finish, usage last only when asked", () => {
  const c = completion({ role: "assistant", content: "Caching answers saves tokens and time for everyone." });
  const usage = { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 };
  const chunks = replayChunks(c, "chatcmpl-new", 2, true, usage);
  assert.ok(chunks.every((k) => k.object === "chat.completion.chunk" && k.id === "chatcmpl-new" && k.created === 2 && k.model === "m"));
  assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "" });
  assert.equal(chunks.slice(1, -2).map((k) => k.choices[0].delta.content).join(""), c.choices[0].message.content);
  assert.ok(chunks.length >= 5);
  assert.equal(chunks.at(-2)!.choices[0].finish_reason, "stop");
  assert.deepEqual(chunks.at(-1)!.choices, []);
  assert.deepEqual(chunks.at(-1)!.usage, usage);
  assert.ok(replayChunks(c, "i", 2, false, usage).every((k) => k.usage === undefined && k.choices.length === 1));
});

test("reasoning returned beside the content replays first, as reasoning servers stream it", () => {
  const c = completion({ role: "assistant", content: "Forty-two.", reasoning_content: "The user wants the answer to everything, which is well known." } as ChatCompletion["choices"][number]["message"]);
  const chunks = replayChunks(c, "i", 1, false, null);
  const reasoning = chunks.map((k) => (k.choices[0].delta as { reasoning_content?: string }).reasoning_content ?? "");
  assert.equal(reasoning.join(""), "The user wants the answer to everything, which is well known.");
  const firstContent = chunks.findIndex((k) => k.choices[0].delta.content);
  assert.ok(reasoning.lastIndexOf(reasoning.filter(Boolean).at(-1)!) < firstContent, "all reasoning before the content");
  assert.equal(chunks.map((k) => k.choices[0].delta.content ?? "").join(""), "Forty-two.");
});

test("tool calls replay as a name chunk, then argument pieces that rebuild the arguments", () => {
  const args = JSON.stringify({ city: "Paris", units: "metric", days: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] });
  const c = completion({ role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: args } }] }, "tool_calls");
  const chunks = replayChunks(c, "i", 1, false, null);
  const deltas = chunks.flatMap((k) => k.choices[0].delta.tool_calls ?? []);
  assert.equal(deltas[0].id, "call_1");
  assert.equal(deltas[0].function?.name, "get_weather");
  assert.equal(deltas.map((d) => d.function?.arguments ?? "").join(""), args);
  assert.ok(deltas.length > 2);
  assert.equal(chunks.at(-1)!.choices[0].finish_reason, "tool_calls");
});
