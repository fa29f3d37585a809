import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatChunk } from "../api/chat-types.js";
import { StreamAssembler } from "./stream-assembler.js";

const base = { id: "c1", object: "chat.completion.chunk" as const, created: 1, model: "m" };

test("assembles text, tool-call fragments by index, finish reason and usage", () => {
  const chunks: ChatChunk[] = [
    { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { content: "Hel" }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { content: "lo" }, finish_reason: null }] },
    { ...base, choices: [{ index: 1, delta: { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }] }, finish_reason: null }] },
    { ...base, choices: [{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, finish_reason: null }] },
    { ...base, choices: [{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }, { index: 1, delta: {}, finish_reason: "tool_calls" }] },
    { ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } },
  ];
  const a = new StreamAssembler();
  for (const c of chunks) a.add(c);
  const r = a.result();
  assert.equal(r.choices[0].message.content, "Hello");
  assert.equal(r.choices[0].finish_reason, "stop");
  assert.equal(r.choices[1].message.content, null);
  assert.deepEqual(r.choices[1].message.tool_calls, [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }]);
  assert.equal(r.choices[1].finish_reason, "tool_calls");
  assert.equal(r.usage?.total_tokens, 8);
});
