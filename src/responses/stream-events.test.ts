import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChatChunk } from "../api/chat-types.js";
import { responsesRequestSchema } from "../api/responses-schema.js";
import { pendingResponse } from "./response-object.js";
import { ResponseEventStream } from "./stream-events.js";

const base = () => pendingResponse("resp_1", 100, responsesRequestSchema.parse({ model: "m", input: "x" }));
const chunk = (delta: ChatChunk["choices"][number]["delta"], finish: ChatChunk["choices"][number]["finish_reason"] = null, usage?: ChatChunk["usage"]): ChatChunk =>
  ({ id: "c", object: "chat.completion.chunk", created: 1, model: "m-1", choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) });

function events(sse: string): Record<string, any>[] {
  return sse.split("\n\n").filter(Boolean).map((block) => {
    const [ev, data] = block.split("\n");
    const parsed = JSON.parse(data.slice(6));
    assert.equal(ev, `event: ${parsed.type}`, "each event is named by its type");
    return parsed;
  });
}

test("text then two tool calls: items open and close in OpenAI's order, arguments accumulate, numbering is gapless", () => {
  const s = new ResponseEventStream(base());
  let sse = s.start();
  sse += s.push(chunk({ role: "assistant", content: "Let me check." }));
  sse += s.push(chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "weather", arguments: "" } }] }));
  sse += s.push(chunk({ tool_calls: [{ index: 0, function: { arguments: "{\"city\":" } }] }));
  sse += s.push(chunk({ tool_calls: [{ index: 0, function: { arguments: "\"Oslo\"}" } }] }));
  sse += s.push(chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "time", arguments: "{}" } }] }));
  sse += s.push(chunk({}, "tool_calls"));
  sse += s.push({ ...chunk({}), choices: [], usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } });
  sse += s.end(200);
  const ev = events(sse);
  assert.deepEqual(ev.map((e) => e.sequence_number), ev.map((_, i) => i));
  assert.deepEqual(ev.map((e) => e.type), [
    "response.created", "response.in_progress",
    "response.output_item.added", "response.content_part.added", "response.output_text.delta",
    "response.output_text.done", "response.content_part.done", "response.output_item.done",
    "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
    "response.output_item.added", "response.function_call_arguments.delta",
    "response.function_call_arguments.done", "response.output_item.done",
    "response.function_call_arguments.done", "response.output_item.done",
    "response.completed",
  ]);
  const added = ev[8];
  assert.deepEqual(added, { type: "response.output_item.added", sequence_number: 8, output_index: 1, item: { id: added.item.id, type: "function_call", status: "in_progress", arguments: "", call_id: "call_a", name: "weather" } });
  assert.deepEqual(ev[13], { type: "response.function_call_arguments.done", sequence_number: 13, item_id: added.item.id, output_index: 1, name: "weather", arguments: "{\"city\":\"Oslo\"}" });
  const done = ev.at(-1)!.response;
  assert.equal(done.status, "completed");
  assert.equal(done.completed_at, 200);
  assert.equal(done.model, "m-1");
  assert.deepEqual(done.usage, { input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 14 });
  assert.deepEqual(done.output.map((o: { type: string; status: string }) => [o.type, o.status]), [["message", "completed"], ["function_call", "completed"], ["function_call", "completed"]]);
  assert.deepEqual(s.result(), done);
});

test("finish_reason length ends with response.incomplete, reason max_output_tokens", () => {
  const s = new ResponseEventStream(base());
  const ev = events(s.start() + s.push(chunk({ content: "abc" }, "length")) + s.end(200));
  const last = ev.at(-1)!;
  assert.equal(last.type, "response.incomplete");
  assert.deepEqual(last.response.incomplete_details, { reason: "max_output_tokens" });
  assert.equal(last.response.completed_at, null);
});

test("a failure mid-item: response.failed carries the error and the text so far, the item marked incomplete", () => {
  const s = new ResponseEventStream(base());
  const ev = events(s.start() + s.push(chunk({ content: "half an ans" })) + s.fail("server_error", "The upstream stream failed."));
  const last = ev.at(-1)!;
  assert.equal(last.type, "response.failed");
  assert.equal(last.response.status, "failed");
  assert.deepEqual(last.response.error, { code: "server_error", message: "The upstream stream failed." });
  assert.equal(last.response.output[0].status, "incomplete");
  assert.equal(last.response.output[0].content[0].text, "half an ans");
});
