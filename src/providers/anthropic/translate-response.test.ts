import { test } from "node:test";
import assert from "node:assert/strict";
import { KeelError } from "../../errors/errors.js";
import { toAnthropicRequest } from "./translate-request.js";
import { finishReason, fromAnthropicMessage } from "./translate-response.js";
import type { AnthropicMessage } from "./wire-types.js";

const textMessage: AnthropicMessage = {
  id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5-20250929",
  content: [{ type: "text", text: "Hi! My name is Claude." }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 21, cache_creation_input_tokens: 188086, cache_read_input_tokens: 0, output_tokens: 393 },
};

test("a text message becomes a chat completion with cache-aware usage", () => {
  const out = fromAnthropicMessage(textMessage, false, "claude");
  assert.equal(typeof out.created, "number");
  assert.deepEqual({ ...out, created: 0 }, {
    id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
    object: "chat.completion",
    created: 0,
    model: "claude-sonnet-4-5-20250929",
    choices: [{ index: 0, message: { role: "assistant", content: "Hi! My name is Claude." }, finish_reason: "stop" }],
    usage: {
      prompt_tokens: 21 + 188086,
      completion_tokens: 393,
      total_tokens: 21 + 188086 + 393,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 188086 },
    },
  });
});

test("tool_use blocks become tool_calls with JSON-string arguments; thinking is kept whole beside the content", () => {
  const out = fromAnthropicMessage(
    {
      ...textMessage,
      content: [
        { type: "thinking", thinking: "hidden", signature: "sig" },
        { type: "text", text: "I'll check the weather." },
        { type: "tool_use", id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", input: { location: "San Francisco, CA", unit: "celsius" } },
      ],
      stop_reason: "tool_use",
      usage: { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 },
    },
    false,
    "claude",
  );
  assert.deepEqual(out.choices[0], {
    index: 0,
    message: {
      role: "assistant",
      content: "I'll check the weather.",
      tool_calls: [
        { id: "toolu_01A09q90qw90lq917835lq9", type: "function", function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } },
      ],
      // for the Messages inbound surface (and any client that reads reasoning_content)
      reasoning_content: "hidden",
      thinking_blocks: [{ type: "thinking", thinking: "hidden", signature: "sig" }],
    },
    finish_reason: "tool_calls",
  });
  assert.deepEqual(out.usage, {
    prompt_tokens: 100,
    completion_tokens: 5,
    total_tokens: 105,
    prompt_tokens_details: { cached_tokens: 90, cache_creation_tokens: 0 },
  });
});

test("the json_output tool's input comes back as JSON content with finish_reason stop", () => {
  const out = fromAnthropicMessage(
    { ...textMessage, content: [{ type: "tool_use", id: "toolu_1", name: "json_output", input: { answer: "42" } }], stop_reason: "tool_use" },
    true,
    "claude",
  );
  assert.deepEqual(out.choices[0], { index: 0, message: { role: "assistant", content: '{"answer":"42"}' }, finish_reason: "stop" });
});

test("stop reasons map to OpenAI finish reasons", () => {
  assert.equal(finishReason("end_turn", false), "stop");
  assert.equal(finishReason("stop_sequence", false), "stop");
  assert.equal(finishReason("max_tokens", false), "length");
  assert.equal(finishReason("tool_use", true), "tool_calls");
  assert.equal(finishReason("refusal", false), "content_filter");
  assert.equal(finishReason("pause_turn", false), "stop");
  assert.equal(finishReason(null, false), null);
});

test("a body that is not a message is an upstream_error", () => {
  assert.throws(
    () => fromAnthropicMessage({ nope: true } as unknown as AnthropicMessage, false, "claude"),
    (err: unknown) => err instanceof KeelError && err.code === "upstream_error",
  );
});

test("round trip: an answer's tool calls, sent back as history, reproduce Anthropic's blocks", () => {
  const content = [
    { type: "text", text: "Checking." },
    { type: "tool_use", id: "toolu_01", name: "get_weather", input: { location: "Paris", days: [1, 2] } },
    { type: "tool_use", id: "toolu_02", name: "get_time", input: {} },
  ];
  const completion = fromAnthropicMessage({ ...textMessage, content, stop_reason: "tool_use" }, false, "claude");
  const { body } = toAnthropicRequest(
    {
      model: "m",
      messages: [
        { role: "user", content: "Weather and time in Paris?" },
        completion.choices[0].message,
        { role: "tool", tool_call_id: "toolu_01", content: "sunny" },
        { role: "tool", tool_call_id: "toolu_02", content: "noon" },
      ],
    },
    100,
  );
  assert.deepEqual(body.messages, [
    { role: "user", content: "Weather and time in Paris?" },
    { role: "assistant", content },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_01", content: "sunny" },
        { type: "tool_result", tool_use_id: "toolu_02", content: "noon" },
      ],
    },
  ]);
});
