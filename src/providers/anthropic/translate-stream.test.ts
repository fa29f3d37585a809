import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatChunk } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { SseParser } from "../sse.js";
import { fromAnthropicMessage } from "./translate-response.js";
import { AnthropicStreamTranslator } from "./translate-stream.js";
import type { AnthropicMessage } from "./wire-types.js";

/** Event sequences written by hand after Anthropic's streaming docs (message_start … message_stop). */
const TEXT_STREAM = `event: message_start
data: {"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":1200,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

event: message_stop
data: {"type":"message_stop"}

`;

const TOOL_STREAM = `event: message_start
data: {"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","stop_sequence":null,"usage":{"input_tokens":472,"output_tokens":2},"content":[],"stop_reason":null}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Okay, let's check the weather:"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"get_weather","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"location\\":"}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"San Francisco, CA\\"}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":1}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

event: message_stop
data: {"type":"message_stop"}

`;

function translate(sse: string, jsonOutput = false): ChatChunk[] {
  const parser = new SseParser();
  const t = new AnthropicStreamTranslator("claude", jsonOutput);
  const out: ChatChunk[] = [];
  for (const ev of parser.push(sse)) {
    const chunk = t.push(ev.event, ev.data);
    if (chunk) out.push(chunk);
  }
  t.end();
  return out;
}

const strip = (chunks: ChatChunk[]): unknown[] => chunks.map(({ choices, usage }) => (usage ? { choices, usage } : { choices }));

test("a text stream becomes role, content deltas, finish and a usage chunk", () => {
  const chunks = translate(TEXT_STREAM);
  for (const c of chunks) {
    assert.equal(c.id, "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
    assert.equal(c.object, "chat.completion.chunk");
    assert.equal(c.model, "claude-sonnet-4-5-20250929");
  }
  assert.deepEqual(strip(chunks), [
    { choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
    { choices: [{ index: 0, delta: { content: "Hello" }, finish_reason: null }] },
    { choices: [{ index: 0, delta: { content: "!" }, finish_reason: null }] },
    { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
    {
      choices: [],
      usage: { prompt_tokens: 1225, completion_tokens: 15, total_tokens: 1240, prompt_tokens_details: { cached_tokens: 1200, cache_creation_tokens: 0 } },
    },
  ]);
});

test("tool_use streams as a tool_call delta with id and name, then argument fragments", () => {
  assert.deepEqual(strip(translate(TOOL_STREAM)), [
    { choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
    { choices: [{ index: 0, delta: { content: "Okay, let's check the weather:" }, finish_reason: null }] },
    {
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", type: "function", function: { name: "get_weather", arguments: "" } }] },
          finish_reason: null,
        },
      ],
    },
    { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }, finish_reason: null }] },
    { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ' "San Francisco, CA"}' } }] }, finish_reason: null }] },
    { choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] },
    { choices: [], usage: { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561, prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 } } },
  ]);
});

test("the json_output tool streams as content and finishes with stop", () => {
  const sse = TOOL_STREAM.replace('"name":"get_weather"', '"name":"json_output"');
  const chunks = translate(sse, true);
  const content = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
  assert.equal(content, 'Okay, let\'s check the weather:{"location": "San Francisco, CA"}');
  assert.equal(chunks.some((c) => c.choices[0]?.delta.tool_calls), false);
  assert.equal(chunks.at(-2)?.choices[0].finish_reason, "stop");
});

test("round trip: accumulating the stream gives the same answer as the non-streaming translation", () => {
  const chunks = translate(TOOL_STREAM);
  let content = "";
  const args: string[] = [];
  const ids: string[] = [];
  let finish: string | null = null;
  for (const c of chunks) {
    const choice = c.choices[0];
    if (!choice) continue;
    content += choice.delta.content ?? "";
    for (const tc of choice.delta.tool_calls ?? []) {
      if (tc.id) ids[tc.index] = tc.id;
      args[tc.index] = (args[tc.index] ?? "") + (tc.function?.arguments ?? "");
    }
    finish = choice.finish_reason ?? finish;
  }
  const message: AnthropicMessage = {
    id: "msg_014p7gG3wDgGV9EUtLvnow3U",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [
      { type: "text", text: "Okay, let's check the weather:" },
      { type: "tool_use", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", input: { location: "San Francisco, CA" } },
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 472, output_tokens: 89 },
  };
  const whole = fromAnthropicMessage(message, false, "claude");
  assert.equal(content, whole.choices[0].message.content);
  assert.deepEqual(ids, whole.choices[0].message.tool_calls?.map((t) => t.id));
  assert.deepEqual(args.map((a) => JSON.parse(a)), whole.choices[0].message.tool_calls?.map((t) => JSON.parse(t.function.arguments)));
  assert.equal(finish, whole.choices[0].finish_reason);
  assert.deepEqual(chunks.at(-1)?.usage, whole.usage);
});

test("an error event, a malformed event and a cut stream are upstream_stream_errors", () => {
  const isStreamError = (err: unknown): boolean => err instanceof KeelError && err.code === "upstream_stream_error";
  const overloaded = TEXT_STREAM.split("event: content_block_stop")[0] +
    'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
  assert.throws(() => translate(overloaded), (err: unknown) => {
    assert.ok(isStreamError(err));
    assert.match((err as KeelError).message, /overloaded_error: Overloaded/);
    assert.deepEqual((err as KeelError).upstream?.body, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    return true;
  });
  assert.throws(() => translate(TEXT_STREAM.replace('"text":"!"}}', '"text":"!"')), isStreamError);
  assert.throws(() => translate(TEXT_STREAM.split("event: message_stop")[0]), isStreamError);
  assert.throws(() => translate('event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n'), isStreamError);
});

test("unknown events are skipped; thinking streams as reasoning_content and reasoning_signature", () => {
  const sse = TEXT_STREAM.replace(
    "event: content_block_start",
    'event: content_block_start\ndata: {"type":"content_block_start","index":5,"content_block":{"type":"thinking","thinking":""}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":5,"delta":{"type":"thinking_delta","thinking":"hmm"}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":5,"delta":{"type":"signature_delta","signature":"sig"}}\n\n' +
      'event: future_event\ndata: {"type":"future_event"}\n\nevent: content_block_start',
  );
  const plain = strip(translate(TEXT_STREAM));
  const got = strip(translate(sse));
  assert.deepEqual(got.slice(3), plain.slice(1));
  assert.deepEqual(got.slice(0, 3), [
    plain[0],
    { choices: [{ index: 0, delta: { reasoning_content: "hmm" }, finish_reason: null }] },
    { choices: [{ index: 0, delta: { reasoning_signature: "sig" }, finish_reason: null }] },
  ]);
});
