/**
 * The Messages edge translations, pure: request → internal chat request (and on through the
 * Anthropic adapter, which must give the client's request back), internal answer → message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { anthropicMessagesRequestSchema } from "../../api/anthropic-messages-schema.js";
import { validateBody } from "../../api/validate.js";
import { toAnthropicRequest } from "../../providers/anthropic/translate-request.js";
import { completionToMessage, toAnthropicUsage } from "./chat-to-message.js";
import { messagesToChat, thinkingParam } from "./request-to-chat.js";

const parse = (body: unknown) => validateBody(anthropicMessagesRequestSchema, body);

const full = {
  model: "claude-x",
  max_tokens: 300,
  system: [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }],
  messages: [
    { role: "user", content: [
      { type: "text", text: "Look at these." },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } },
    ] },
    { role: "assistant", content: [
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "toolu_1", name: "lookup", input: { q: "cat" } },
    ] },
    { role: "user", content: [
      { type: "tool_result", tool_use_id: "toolu_1", content: "a cat", is_error: false },
      { type: "text", text: "And now?" },
    ] },
  ],
  tools: [{ name: "lookup", description: "Look up", input_schema: { type: "object", properties: { q: { type: "string" } } } }],
  tool_choice: { type: "any", disable_parallel_tool_use: true },
  stop_sequences: ["STOP"],
  temperature: 0.5,
  top_p: 0.9,
  top_k: 40,
  metadata: { user_id: "user-7" },
};

test("every field becomes its internal counterpart", () => {
  const chat = messagesToChat(parse(full));
  assert.deepEqual(chat.messages[0], { role: "system", content: [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }] });
  assert.deepEqual(chat.messages[1].content, [
    { type: "text", text: "Look at these." },
    { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
    { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
    { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=" } },
  ]);
  assert.deepEqual(chat.messages[2], {
    role: "assistant", content: [{ type: "text", text: "Checking." }],
    tool_calls: [{ id: "toolu_1", type: "function", function: { name: "lookup", arguments: "{\"q\":\"cat\"}" } }],
  });
  assert.deepEqual(chat.messages[3], { role: "tool", tool_call_id: "toolu_1", content: "a cat" });
  assert.deepEqual(chat.messages[4], { role: "user", content: [{ type: "text", text: "And now?" }] });
  assert.equal(chat.tool_choice, "required");
  assert.equal(chat.parallel_tool_calls, false);
  assert.deepEqual(chat.stop, ["STOP"]);
  assert.equal(chat.max_tokens, 300);
  assert.equal(chat.temperature, 0.5);
  assert.equal(chat.top_p, 0.9);
  assert.equal((chat as Record<string, unknown>).top_k, 40);
  assert.equal(chat.user, "user-7");
});

test("through the Anthropic adapter the client's request comes back as sent", () => {
  const sent = parse(full);
  const { body } = toAnthropicRequest(messagesToChat(sent), 4096);
  assert.deepEqual(body.system, full.system);
  assert.deepEqual(body.messages, full.messages.map((m) => ({
    ...m,
    // tool_result.is_error false is the default: the adapter writes it only when true
    content: m.content.map((b) => (b.type === "tool_result" ? { type: "tool_result", tool_use_id: "toolu_1", content: "a cat" } : b)),
  })));
  assert.deepEqual(body.tools, full.tools);
  assert.deepEqual(body.tool_choice, full.tool_choice);
  assert.deepEqual(body.stop_sequences, ["STOP"]);
  assert.deepEqual(body.metadata, { user_id: "user-7" });
  assert.equal(body.top_k, 40);
  assert.equal(body.max_tokens, 300);
});

test("thinking reaches an Anthropic target: the parameter, and signed blocks of earlier turns first in their turn", () => {
  const sent = parse({ model: "m", max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 1024 }, messages: [
    { role: "user", content: "go" },
    { role: "assistant", content: [
      { type: "thinking", thinking: "Use the tool.", signature: "sig-1" },
      { type: "redacted_thinking", data: "enc" },
      { type: "tool_use", id: "t1", name: "f", input: { a: 1 } },
    ] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "ok" }] },
  ] });
  assert.equal(thinkingParam(sent), "thinking");
  const { body } = toAnthropicRequest(messagesToChat(sent), 10);
  assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 1024 });
  assert.deepEqual(body.messages[1].content, [
    { type: "thinking", thinking: "Use the tool.", signature: "sig-1" },
    { type: "redacted_thinking", data: "enc" },
    { type: "tool_use", id: "t1", name: "f", input: { a: 1 } },
  ]);
  assert.equal(thinkingParam(parse({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "x" }, { role: "assistant", content: [{ type: "thinking", thinking: "", signature: "s" }] }] })), "messages[1].content[0]");
  assert.equal(thinkingParam(parse({ model: "m", max_tokens: 5, thinking: { type: "disabled" }, messages: [{ role: "user", content: "x" }] })), null);
});

test("tool_result is_error survives to an Anthropic target", () => {
  const chat = messagesToChat(parse({ model: "m", max_tokens: 5, messages: [
    { role: "user", content: "go" },
    { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: {} }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "boom" }], is_error: true }] },
  ] }));
  const { body } = toAnthropicRequest(chat, 10);
  assert.deepEqual(body.messages[2].content, [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "boom" }], is_error: true }]);
});

test("what the internal request cannot carry is a 400 naming the field", () => {
  const base = { model: "m", max_tokens: 5 };
  const refused = (body: object, param: string): void => {
    assert.throws(() => messagesToChat(parse({ ...base, ...body })), (e: any) => e.param === param && e.code === "invalid_request");
  };
  refused({ messages: [{ role: "user", content: [{ type: "search_result", source: "x" }] }] }, "messages[0].content[0].type");
  refused({ messages: [{ role: "user", content: [{ type: "document", source: { type: "url", url: "https://x/y.pdf" } }] }] }, "messages[0].content[0].source");
  refused({ tools: [{ type: "web_search_20250305", name: "web_search" }], messages: [{ role: "user", content: "x" }] }, "tools[0].type");
  refused({ stop_sequences: ["a", "b", "c", "d", "e"], messages: [{ role: "user", content: "x" }] }, "stop_sequences");
  refused({ tool_choice: { type: "any" }, messages: [{ role: "user", content: "x" }] }, "tool_choice");
  refused({ messages: [{ role: "user", content: [] }] }, "messages[0].content");
  refused({ messages: [{ role: "user", content: "x" }, { role: "assistant", content: "" }, { role: "user", content: "y" }] }, "messages[1].content");
  // A final assistant turn may be empty or a prefill.
  assert.equal(messagesToChat(parse({ ...base, messages: [{ role: "user", content: "x" }, { role: "assistant", content: "The answer is" }] })).messages.length, 2);
  // Disabled thinking asks for nothing: accepted.
  assert.equal(messagesToChat(parse({ ...base, thinking: { type: "disabled" }, messages: [{ role: "user", content: "x" }] })).messages.length, 1);
});

test("the schema names the offending field", () => {
  const bad = (body: object, re: RegExp): void => assert.throws(() => parse(body), (e: any) => re.test(e.message));
  bad({ model: "m", messages: [{ role: "user", content: "x" }] }, /'max_tokens'/);
  bad({ model: "m", max_tokens: 0, messages: [{ role: "user", content: "x" }] }, /'max_tokens'/);
  bad({ model: "m", max_tokens: 5, messages: [] }, /'messages'/);
  bad({ model: "m", max_tokens: 5, temperature: 1.5, messages: [{ role: "user", content: "x" }] }, /'temperature'/);
  bad({ model: "m", max_tokens: 5, messages: [{ role: "user", content: [{ type: "text", text: 3 }] }] }, /messages\[0\]\.content\[0\]\.text/);
  bad({ model: "m", max_tokens: 5, tool_choice: { type: "tool" }, messages: [{ role: "user", content: "x" }] }, /tool_choice\.name/);
});

test("the answer in Anthropic's shape: text and tool_use blocks, stop reason, cache usage never zeroed", () => {
  const msg = completionToMessage({
    id: "chatcmpl-9", object: "chat.completion", created: 1, model: "gpt-x",
    choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: "Let me look.", tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: "{\"q\":\"x\"}" } }] } }],
    usage: { prompt_tokens: 1300, completion_tokens: 40, total_tokens: 1340, prompt_tokens_details: { cached_tokens: 1000, cache_creation_tokens: 200 } },
  }, "asked", "openai");
  assert.deepEqual(msg, {
    id: "msg_chatcmpl-9", type: "message", role: "assistant", model: "gpt-x",
    content: [{ type: "text", text: "Let me look." }, { type: "tool_use", id: "call_1", name: "lookup", input: { q: "x" } }],
    stop_reason: "tool_use", stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 40, cache_creation_input_tokens: 200, cache_read_input_tokens: 1000 },
  });
  assert.equal(completionToMessage({ id: "x", object: "chat.completion", created: 1, model: "", choices: [{ index: 0, finish_reason: "length", message: { role: "assistant", content: "cut" } }] }, "asked", "p").stop_reason, "max_tokens");
  assert.deepEqual(toAnthropicUsage(null, 12), { input_tokens: 12, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  assert.throws(() => completionToMessage({ id: "x", object: "chat.completion", created: 1, model: "", choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }] } }] }, "m", "p"), /not valid JSON/);
});
