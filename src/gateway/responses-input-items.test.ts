/**
 * GET /v1/responses/{id}/input_items with the official `openai` client
 * (`client.responses.inputItems.list`): the items a stored response was made from, in OpenAI's list
 * shape, paged by `limit` / `order` / `after`, scoped to the key that made it, the query validated.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
let client: OpenAI;

before(async () => {
  keel = await startTestKeel();
  client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
});
after(async () => keel.close());

const tools: OpenAI.Responses.FunctionTool[] = [{
  type: "function", name: "get_weather", description: "Weather for a city", strict: true,
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
}];

async function all(id: string, query: OpenAI.Responses.InputItemListParams = {}): Promise<OpenAI.Responses.ResponseItem[]> {
  const out: OpenAI.Responses.ResponseItem[] = [];
  for await (const item of client.responses.inputItems.list(id, query)) out.push(item);
  return out;
}

const textOf = (item: OpenAI.Responses.ResponseItem): string => {
  if (item.type !== "message") return `<${item.type}>`;
  return (item.content as { type: string; text?: string }[]).map((p) => p.text ?? "").join("");
};

test("a response's input items: OpenAI's list shape, newest first by default, instructions not an item", async () => {
  const r = await client.responses.create({
    model: "sim", instructions: "Be brief.",
    input: [{ role: "developer", content: "Answer in English." }, { role: "user", content: [{ type: "input_text", text: "Hello" }, { type: "input_text", text: " there" }] }],
  });
  const page = await client.responses.inputItems.list(r.id);
  assert.equal(page.has_more, false);
  const items = page.data;
  assert.equal(items.length, 2);
  assert.deepEqual(items.map((i) => (i.type === "message" ? i.role : i.type)), ["user", "developer"], "desc by default, as OpenAI's");
  const user = items[0] as OpenAI.Responses.ResponseInputMessageItem;
  assert.equal(user.type, "message");
  assert.equal(user.status, "completed");
  assert.deepEqual(user.content, [{ type: "input_text", text: "Hello" }, { type: "input_text", text: " there" }]);
  assert.match(user.id, /^msg_[0-9a-f]{48}$/);
  // The raw body: object, first_id and last_id as OpenAI's list.
  const raw = (await (await fetch(`${keel.url}/v1/responses/${r.id}/input_items?order=asc`, { headers: { authorization: `Bearer ${keel.key}` } })).json()) as { object: string; data: { id: string }[]; first_id: string; last_id: string; has_more: boolean };
  assert.equal(raw.object, "list");
  assert.equal(raw.first_id, raw.data[0].id);
  assert.equal(raw.last_id, raw.data.at(-1)!.id);
  assert.equal(raw.has_more, false);
  assert.equal(raw.first_id, items[1].id, "the same ids on every read, in either order");
});

test("a previous_response_id chain: earlier turns and their answers are items; function calls and outputs are their own", async () => {
  const first = await client.responses.create({ model: "sim", input: "What is the weather in Oslo?", tools, tool_choice: "required" });
  const call = first.output.find((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === "function_call")!;
  assert.ok(call, "the simulator called the tool");
  const second = await client.responses.create({
    model: "sim", previous_response_id: first.id, tools,
    input: [{ type: "function_call_output", call_id: call.call_id, output: "Sunny, 21 C" }],
  });
  const third = await client.responses.create({ model: "sim", previous_response_id: second.id, input: "Thanks!" });
  const items = await all(third.id, { order: "asc" });
  assert.deepEqual(items.map((i) => i.type), ["message", "function_call", "function_call_output", "message", "message"]);
  assert.equal(textOf(items[0]), "What is the weather in Oslo?");
  const fc = items[1] as OpenAI.Responses.ResponseFunctionToolCallItem;
  assert.equal(fc.call_id, call.call_id);
  assert.equal(fc.name, "get_weather");
  assert.equal(fc.arguments, call.arguments);
  const out = items[2] as OpenAI.Responses.ResponseFunctionToolCallOutputItem;
  assert.equal(out.call_id, call.call_id);
  assert.equal(out.output, "Sunny, 21 C");
  assert.equal((items[3] as OpenAI.Responses.ResponseOutputMessage).role, "assistant");
  assert.equal(textOf(items[3]), second.output_text, "the second response's answer, as an assistant message");
  assert.equal(textOf(items[4]), "Thanks!");
  assert.ok(!items.some((i) => textOf(i) === third.output_text && i.type === "message" && i.role === "assistant"), "not the response's own output");
  assert.equal(new Set(items.map((i) => i.id)).size, items.length, "ids are unique");
});

test("pages: limit and after walk the list in either order; the SDK's auto-pagination joins them", async () => {
  const input = Array.from({ length: 7 }, (_, i) => ({ role: "user" as const, content: `turn ${i}` }));
  const r = await client.responses.create({ model: "sim", input });
  const p1 = await client.responses.inputItems.list(r.id, { limit: 3, order: "asc" });
  assert.deepEqual(p1.data.map(textOf), ["turn 0", "turn 1", "turn 2"]);
  assert.equal(p1.has_more, true);
  const p2 = await client.responses.inputItems.list(r.id, { limit: 3, order: "asc", after: p1.data.at(-1)!.id });
  assert.deepEqual(p2.data.map(textOf), ["turn 3", "turn 4", "turn 5"]);
  const p3 = await p2.getNextPage();
  assert.deepEqual(p3.data.map(textOf), ["turn 6"]);
  assert.equal(p3.has_more, false);
  assert.deepEqual((await all(r.id, { limit: 2 })).map(textOf), input.map((m) => m.content).reverse(), "desc, two at a time, all of them");
  const last = await (await fetch(`${keel.url}/v1/responses/${r.id}/input_items?order=asc&after=${p3.data[0].id}`, { headers: { authorization: `Bearer ${keel.key}` } })).json();
  assert.deepEqual(last, { object: "list", data: [], first_id: null, last_id: null, has_more: false });
});

test("the query is bounded and validated, the field named; another key, an unknown id or store:false is a 404", async () => {
  const r = await client.responses.create({ model: "sim", input: "hi" });
  const get = (query: string, key = keel.key) => fetch(`${keel.url}/v1/responses/${r.id}/input_items${query}`, { headers: { authorization: `Bearer ${key}` } });
  for (const [query, param] of [["?limit=0", "limit"], ["?limit=101", "limit"], ["?limit=ten", "limit"], ["?limit=2.5", "limit"], ["?order=up", "order"], ["?after=msg_nope", "after"], [`?after=${"x".repeat(200)}`, "after"], ["?before=msg_x", "before"]]) {
    const res = await get(query);
    assert.equal(res.status, 400, query);
    const body = (await res.json()) as { error: { param: string; type: string } };
    assert.equal(body.error.param, param, query);
    assert.equal(body.error.type, "invalid_request_error");
  }
  assert.equal((await get("?limit=100&include[]=message.input_image.image_url")).status, 200, "the bounds themselves are allowed; include is accepted");
  await assert.rejects(client.responses.inputItems.list("resp_" + "0".repeat(48)), OpenAI.NotFoundError);
  const other = keel.app.keys.create({ name: "input-items-other" });
  const res = await get("", other.key);
  assert.equal(res.status, 404, "another key's response reads as missing");
  const unstored = await client.responses.create({ model: "sim", input: "hi", store: false });
  await assert.rejects(client.responses.inputItems.list(unstored.id), OpenAI.NotFoundError);
  assert.equal((await fetch(`${keel.url}/v1/responses/${r.id}/input_items`)).status, 401);
});
