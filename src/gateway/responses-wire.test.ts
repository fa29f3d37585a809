/**
 * The Responses wire format byte for byte (ids and clocks aside): the JSON body and the event
 * stream for a fixed answer, compared whole against the shapes OpenAI publishes and the `openai`
 * SDK types (resources/responses/responses.d.ts). A field added, dropped, renamed or reordered fails.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
before(async () => (keel = await startTestKeel()));
after(async () => keel.close());

const post = (body: unknown): Promise<Response> => fetch(`${keel.url}/v1/responses`, {
  method: "POST",
  headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", "x-keel-sim": "answer=Hello%20there" },
  body: JSON.stringify(body),
});

/** Ids and timestamps vary per call: replaced by placeholders, everything else compared as sent. */
function normalised(text: string): string {
  return text
    .replace(/"resp_[0-9a-f]{48}"/g, '"resp_…"').replace(/"msg_[0-9a-f]{48}"/g, '"msg_…"')
    .replace(/"(created_at|completed_at)":\d+/g, '"$1":0');
}

const RESPONSE_HEAD = '"id":"resp_…","object":"response","created_at":0';
const SETTINGS = '"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"model":"sim"';
const TAIL = '"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":1,'
  + '"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled"';
const USAGE = '"usage":{"input_tokens":7,"input_tokens_details":{"cached_tokens":0},"output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":9}';
const MESSAGE = '{"id":"msg_…","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello there"}],"role":"assistant"}';
const COMPLETED = `{${RESPONSE_HEAD},"status":"completed","background":false,"completed_at":0,"error":null,"incomplete_details":null,${SETTINGS},"output":[${MESSAGE}],${TAIL},${USAGE},"user":null,"metadata":{}}`;
const PENDING = `{${RESPONSE_HEAD},"status":"in_progress","background":false,"completed_at":null,"error":null,"incomplete_details":null,${SETTINGS},"output":[],${TAIL},"usage":null,"user":null,"metadata":{}}`;

test("POST /v1/responses: the JSON body, exactly", async () => {
  const res = await post({ model: "sim", input: "Hi" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(normalised(await res.text()), COMPLETED);
});

test("stream: the event stream, exactly, in order, each event named and numbered", async () => {
  const res = await post({ model: "sim", input: "Hi", stream: true });
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const ev = (seq: number, type: string, fields: string): string => `event: ${type}\ndata: {"type":"${type}","sequence_number":${seq},${fields}}\n\n`;
  const part = (text: string): string => `"part":{"type":"output_text","annotations":[],"logprobs":[],"text":"${text}"}`;
  const at = '"item_id":"msg_…","output_index":0,"content_index":0';
  const expected = [
    ev(0, "response.created", `"response":${PENDING}`),
    ev(1, "response.in_progress", `"response":${PENDING}`),
    ev(2, "response.output_item.added", '"output_index":0,"item":{"id":"msg_…","type":"message","status":"in_progress","content":[],"role":"assistant"}'),
    ev(3, "response.content_part.added", `${at},${part("")}`),
    ev(4, "response.output_text.delta", `${at},"delta":"Hello","logprobs":[]`),
    ev(5, "response.output_text.delta", `${at},"delta":" there","logprobs":[]`),
    ev(6, "response.output_text.done", `${at},"text":"Hello there","logprobs":[]`),
    ev(7, "response.content_part.done", `${at},${part("Hello there")}`),
    ev(8, "response.output_item.done", `"output_index":0,"item":${MESSAGE}`),
    ev(9, "response.completed", `"response":${COMPLETED}`),
  ].join("");
  assert.equal(normalised(await res.text()), expected);
});

test("errors are OpenAI's error shape, the field named in param", async () => {
  const res = await post({ model: "sim", input: "Hi", frequency_penalty: 1 });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    error: { message: "Unrecognized parameter: 'frequency_penalty'.", type: "invalid_request_error", param: "frequency_penalty", code: "invalid_request" },
  });
});
