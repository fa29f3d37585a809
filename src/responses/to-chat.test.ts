import assert from "node:assert/strict";
import { test } from "node:test";
import { responsesRequestSchema } from "../api/responses-schema.js";
import { KeelError } from "../errors/errors.js";
import { toChatRequest } from "./to-chat.js";

const parse = (b: unknown) => responsesRequestSchema.parse(b);

test("a string input is one user message; instructions lead as the system message; previous turns sit between", () => {
  const previous = [{ role: "user" as const, content: "first" }, { role: "assistant" as const, content: "answer" }];
  const { chat, turn } = toChatRequest(parse({ model: "m", input: "second", instructions: "Be brief." }), previous);
  assert.deepEqual(chat.messages, [{ role: "system", content: "Be brief." }, ...previous, { role: "user", content: "second" }]);
  assert.deepEqual(turn, [{ role: "user", content: "second" }]);
});

test("items: input_text and input_image parts, replayed answers, function calls merged into their turn, outputs as tool messages", () => {
  const { chat } = toChatRequest(parse({
    model: "m",
    input: [
      { role: "user", content: [{ type: "input_text", text: "Look" }, { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "low" }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
      { type: "function_call", call_id: "c1", name: "a", arguments: "{}" },
      { type: "function_call", call_id: "c2", name: "b", arguments: "{\"x\":1}" },
      { type: "function_call_output", call_id: "c1", output: "one" },
      { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "tw" }, { type: "input_text", text: "o" }] },
    ],
  }), null);
  assert.deepEqual(chat.messages, [
    { role: "user", content: [{ type: "text", text: "Look" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } }] },
    { role: "assistant", content: "Checking.", tool_calls: [
      { id: "c1", type: "function", function: { name: "a", arguments: "{}" } },
      { id: "c2", type: "function", function: { name: "b", arguments: "{\"x\":1}" } },
    ] },
    { role: "tool", tool_call_id: "c1", content: "one" },
    { role: "tool", tool_call_id: "c2", content: "two" },
  ]);
});

test("settings map to their chat fields: tools, tool_choice, text.format, max_output_tokens, sampling, metadata, reasoning effort, stream usage", () => {
  const { chat } = toChatRequest(parse({
    model: "m", input: "x", stream: true,
    tools: [{ type: "function", name: "f", description: "d", parameters: { type: "object" }, strict: true }],
    tool_choice: { type: "function", name: "f" }, parallel_tool_calls: false,
    text: { format: { type: "json_schema", name: "s", schema: { type: "object" }, strict: true } },
    max_output_tokens: 77, temperature: 0.5, top_p: 0.8, metadata: { a: "b" }, reasoning: { effort: "low" }, user: "u1",
  }), null);
  const { messages: _m, ...rest } = chat;
  assert.deepEqual(rest, {
    model: "m", stream: true, stream_options: { include_usage: true },
    tools: [{ type: "function", function: { name: "f", description: "d", parameters: { type: "object" }, strict: true } }],
    tool_choice: { type: "function", function: { name: "f" } }, parallel_tool_calls: false,
    response_format: { type: "json_schema", json_schema: { name: "s", schema: { type: "object" }, strict: true } },
    max_completion_tokens: 77, temperature: 0.5, top_p: 0.8, metadata: { a: "b" }, user: "u1", reasoning_effort: "low",
  });
});

test("what chat cannot carry is a 400 naming the field", () => {
  const refused = (body: unknown, param: string): void => {
    assert.throws(() => toChatRequest(parse(body), null), (e: unknown) => e instanceof KeelError && e.status === 400 && e.param === param);
  };
  refused({ model: "m", input: "x", reasoning: { summary: "auto" } }, "reasoning.summary");
  refused({ model: "m", input: [{ role: "user", content: [{ type: "output_text", text: "x" }] }] }, "input[0].content[0]");
  refused({ model: "m", input: [{ role: "assistant", content: [{ type: "input_image", image_url: "x" }] }] }, "input[0].content");
});
