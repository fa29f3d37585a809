import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatRequest } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { toAnthropicRequest } from "./translate-request.js";

const MODEL = "claude-sonnet-4-5";
type Req = Partial<ChatRequest> & Pick<ChatRequest, "messages">;
const body = (req: Req, defaultMax = 4096): unknown => toAnthropicRequest({ model: MODEL, ...req }, defaultMax).body;

test("a plain user message and system prompt use the documented string forms", () => {
  assert.deepEqual(
    body({
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Hello, Claude" },
      ],
      max_tokens: 1024,
      temperature: 0.2,
      top_p: 0.9,
      stop: "END",
      user: "u-42",
    }),
    {
      model: MODEL,
      max_tokens: 1024,
      system: "You are terse.",
      messages: [{ role: "user", content: "Hello, Claude" }],
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ["END"],
      metadata: { user_id: "u-42" },
    },
  );
});

test("max_completion_tokens wins over max_tokens, and default_max_tokens fills in", () => {
  const m = [{ role: "user" as const, content: "hi" }];
  assert.equal((body({ messages: m, max_tokens: 10, max_completion_tokens: 20 }) as { max_tokens: number }).max_tokens, 20);
  assert.equal((body({ messages: m }, 777) as { max_tokens: number }).max_tokens, 777);
});

test("system and developer messages join the top-level system with cache_control kept", () => {
  assert.deepEqual(
    body({
      messages: [
        {
          role: "system",
          content: [
            { type: "text", text: "You are an AI assistant tasked with analyzing literary works." },
            { type: "text", text: "<the entire contents of Pride and Prejudice>", cache_control: { type: "ephemeral" } },
          ],
        },
        { role: "developer", content: "Answer in French." },
        { role: "user", content: "Analyze the major themes in Pride and Prejudice." },
      ],
    }),
    {
      model: MODEL,
      max_tokens: 4096,
      system: [
        { type: "text", text: "You are an AI assistant tasked with analyzing literary works." },
        { type: "text", text: "<the entire contents of Pride and Prejudice>", cache_control: { type: "ephemeral" } },
        { type: "text", text: "Answer in French." },
      ],
      messages: [{ role: "user", content: "Analyze the major themes in Pride and Prejudice." }],
    },
  );
});

test("multi-turn conversations alternate, merging consecutive same-role turns", () => {
  assert.deepEqual(
    body({
      messages: [
        { role: "user", content: "Hello there." },
        { role: "assistant", content: "Hi, I'm Claude. How can I help you?" },
        { role: "user", content: "Can you explain LLMs in plain English?" },
        { role: "user", content: [{ type: "text", text: "Keep it short.", cache_control: { type: "ephemeral" } }] },
        { role: "assistant", content: "" },
      ],
    }),
    {
      model: MODEL,
      max_tokens: 4096,
      messages: [
        { role: "user", content: "Hello there." },
        { role: "assistant", content: "Hi, I'm Claude. How can I help you?" },
        {
          role: "user",
          content: [
            { type: "text", text: "Can you explain LLMs in plain English?" },
            { type: "text", text: "Keep it short.", cache_control: { type: "ephemeral" } },
          ],
        },
      ],
    },
  );
});

test("images: data URLs become base64 sources, http(s) URLs become url sources", () => {
  assert.deepEqual(
    body({
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQSkZJRg==", detail: "high" } },
            { type: "image_url", image_url: { url: "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg" } },
            { type: "text", text: "Compare these images." },
          ],
        },
      ],
    }),
    {
      model: MODEL,
      max_tokens: 4096,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQSkZJRg==" } },
            { type: "image", source: { type: "url", url: "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg" } },
            { type: "text", text: "Compare these images." },
          ],
        },
      ],
    },
  );
});

test("PDF file parts become document blocks", () => {
  const out = body({
    messages: [{ role: "user", content: [{ type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0x" } }] }],
  }) as { messages: unknown[] };
  assert.deepEqual(out.messages, [
    { role: "user", content: [{ type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0x" } }] },
  ]);
});

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Get the current weather in a given location",
    parameters: {
      type: "object",
      properties: { location: { type: "string", description: "The city and state, e.g. San Francisco, CA" } },
      required: ["location"],
    },
  },
};

test("tools, assistant tool calls and tool results (consecutive results merged in one user turn)", () => {
  assert.deepEqual(
    body({
      messages: [
        { role: "user", content: "What's the weather in SF and NYC?" },
        {
          role: "assistant",
          content: "I'll check both.",
          tool_calls: [
            { id: "toolu_01A", type: "function", function: { name: "get_weather", arguments: '{"location":"San Francisco, CA"}' } },
            { id: "toolu_01B", type: "function", function: { name: "get_weather", arguments: '{"location":"New York, NY"}' } },
          ],
        },
        { role: "tool", tool_call_id: "toolu_01A", content: "15 degrees" },
        { role: "tool", tool_call_id: "toolu_01B", content: [{ type: "text", text: "22 degrees" }] },
        { role: "user", content: "Which is warmer?" },
      ],
      tools: [{ ...weatherTool, cache_control: { type: "ephemeral" } } as typeof weatherTool],
    }),
    {
      model: MODEL,
      max_tokens: 4096,
      tools: [
        {
          name: "get_weather",
          description: "Get the current weather in a given location",
          input_schema: {
            type: "object",
            properties: { location: { type: "string", description: "The city and state, e.g. San Francisco, CA" } },
            required: ["location"],
          },
          cache_control: { type: "ephemeral" },
        },
      ],
      messages: [
        { role: "user", content: "What's the weather in SF and NYC?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "I'll check both." },
            { type: "tool_use", id: "toolu_01A", name: "get_weather", input: { location: "San Francisco, CA" } },
            { type: "tool_use", id: "toolu_01B", name: "get_weather", input: { location: "New York, NY" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_01A", content: "15 degrees" },
            { type: "tool_result", tool_use_id: "toolu_01B", content: [{ type: "text", text: "22 degrees" }] },
            { type: "text", text: "Which is warmer?" },
          ],
        },
      ],
    },
  );
});

test("tool_choice variants and parallel_tool_calls", () => {
  const choice = (req: Partial<ChatRequest>): unknown =>
    (body({ messages: [{ role: "user", content: "hi" }], tools: [weatherTool], ...req }) as { tool_choice?: unknown }).tool_choice;
  assert.deepEqual(choice({ tool_choice: "auto" }), { type: "auto" });
  assert.deepEqual(choice({ tool_choice: "required" }), { type: "any" });
  assert.deepEqual(choice({ tool_choice: "none" }), { type: "none" });
  assert.deepEqual(choice({ tool_choice: { type: "function", function: { name: "get_weather" } } }), { type: "tool", name: "get_weather" });
  assert.deepEqual(choice({ parallel_tool_calls: false }), { type: "auto", disable_parallel_tool_use: true });
  assert.deepEqual(choice({ tool_choice: "required", parallel_tool_calls: false }), { type: "any", disable_parallel_tool_use: true });
  assert.deepEqual(choice({ tool_choice: "none", parallel_tool_calls: false }), { type: "none" });
  assert.equal(choice({}), undefined);
  // no tools: Anthropic rejects a bare tool_choice, so none is sent
  const bare = body({ messages: [{ role: "user", content: "hi" }], tool_choice: "auto" }) as Record<string, unknown>;
  assert.equal("tool_choice" in bare, false);
  assert.equal("tools" in bare, false);
});

test("response_format json_schema becomes the forced json_output tool", () => {
  const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
  const out = toAnthropicRequest(
    {
      model: MODEL,
      messages: [{ role: "user", content: "Answer in JSON." }],
      response_format: { type: "json_schema", json_schema: { name: "answer", schema, description: "The answer." } },
    },
    4096,
  );
  assert.equal(out.jsonOutput, true);
  assert.deepEqual(out.body.tools, [{ name: "json_output", description: "The answer.", input_schema: schema }]);
  assert.deepEqual(out.body.tool_choice, { type: "tool", name: "json_output" });

  // beside the client's own tools, the model must call one of them or answer through json_output
  const mixed = toAnthropicRequest(
    { model: MODEL, messages: [{ role: "user", content: "x" }], tools: [weatherTool], response_format: { type: "json_object" } },
    4096,
  );
  assert.deepEqual(mixed.body.tool_choice, { type: "any" });
  assert.deepEqual(mixed.body.tools?.map((t) => t.name), ["get_weather", "json_output"]);
  assert.deepEqual(mixed.body.tools?.[1].input_schema, { type: "object" });
  assert.equal(toAnthropicRequest({ model: MODEL, messages: [{ role: "user", content: "x" }], response_format: { type: "text" } }, 1).jsonOutput, false);
});

test("unsupported inputs are invalid_request errors that name the param", () => {
  const bad = (req: Req, param: string): void => {
    assert.throws(() => body(req), (err: unknown) => err instanceof KeelError && err.code === "invalid_request" && err.param === param);
  };
  bad({ messages: [{ role: "user", content: "x" }], n: 2 }, "n");
  bad({ messages: [{ role: "function", content: "x", name: "f" }] }, "messages[0].role");
  bad({ messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id");
  bad({ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }] }, "messages[0].content[0].type");
  bad({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }] }, "messages[0].content[0].image_url.url");
  bad({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png,rawbytes" } }] }] }, "messages[0].content[0].image_url.url");
  bad(
    { messages: [{ role: "assistant", content: null, tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{oops" } }] }] },
    "messages[0].tool_calls[0].function.arguments",
  );
});
