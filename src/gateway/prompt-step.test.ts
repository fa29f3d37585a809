/** Requests that name a registered prompt: rendering, model config, strictness, traces. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
before(async () => {
  // Bodies stored as they went upstream: no secret masking and no personal-data masking ("Ada").
  keel = await startTestKeel({ traces: { capture: "full" }, capture: { pii: "keep" } });
  const push = await keel.admin("POST", "/api/v1/prompts", {
    prompts: [
      {
        name: "support/answer", type: "chat", model: "sim", params: { temperature: 0.2, max_tokens: 7 },
        response_format: { type: "json_object" },
        messages: [{ role: "system", content: "You help {{customer.name}}. {{> tone}}" }, { role: "user", content: "{{question}}" }],
        labels: ["production", "staging"],
      },
      { name: "tone", type: "text", text: "Be brief.", labels: ["production"] },
      { name: "no-model", type: "text", text: "Say {{word}}", labels: ["production"] },
    ],
  });
  assert.equal(push.status, 201, JSON.stringify(push.json));
});
after(async () => keel.close());

async function chat(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

async function trace(id: string): Promise<any> {
  return (await keel.admin("GET", `/api/v1/traces/${id}`)).json;
}

test("a body prompt is rendered, its model config applied, and the trace records name, version and label", async () => {
  const r = await chat({ prompt: { name: "support/answer", variables: { customer: { name: "Ada" }, question: "Where is my order?" } } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.headers.get("x-keel-prompt-version"), "support/answer@1");
  assert.equal(r.json.model, "sim");
  assert.ok(r.json.usage.completion_tokens <= 7, "max_tokens from the prompt's params");
  const t = await trace(r.headers.get("x-request-id")!);
  assert.deepEqual(t.prompt, { name: "support/answer", version: 1, label: "production" });
  assert.deepEqual(t.request.messages, [
    { role: "system", content: "You help Ada. Be brief." },
    { role: "user", content: "Where is my order?" },
  ]);
  assert.equal(t.request.temperature, 0.2);
  assert.deepEqual(t.request.response_format, { type: "json_object" });
  assert.equal(t.request.prompt, undefined, "Keel's own field never reaches the provider or the captured body");
});

test("the request overrides the prompt's config and its own messages follow the prompt's", async () => {
  const r = await chat({
    model: "sim", temperature: 1, response_format: { type: "text" },
    prompt: { name: "support/answer", label: "staging", variables: { customer: { name: "Bo" }, question: "Hi" } },
    messages: [{ role: "assistant", content: "Earlier answer" }, { role: "user", content: "Follow-up" }],
  });
  assert.equal(r.status, 200);
  const t = await trace(r.headers.get("x-request-id")!);
  assert.equal(t.prompt.label, "staging");
  assert.equal(t.request.temperature, 1);
  assert.deepEqual(t.request.response_format, { type: "text" });
  assert.equal(t.request.max_tokens, 7, "parameters the request does not set still come from the prompt");
  assert.deepEqual(t.request.messages.map((m: { content: string }) => m.content), ["You help Bo. Be brief.", "Hi", "Earlier answer", "Follow-up"]);
});

test("x-keel-prompt: name@label or name@version, with variables from the body", async () => {
  const r = await chat({ prompt: { name: "no-model", variables: { word: "hello" } }, model: "sim" }, { "x-keel-prompt": "no-model@production" });
  assert.equal(r.status, 200);
  const byVersion = await chat({ model: "sim", prompt: { name: "tone" } }, { "x-keel-prompt": "tone@1" });
  assert.equal(byVersion.status, 200);
  assert.equal(byVersion.headers.get("x-keel-prompt-version"), "tone@1");
  const headerOnly = await chat({ model: "sim" }, { "x-keel-prompt": "tone" });
  assert.equal(headerOnly.status, 200, "the header alone is enough: no messages needed");
  const t = await trace(headerOnly.headers.get("x-request-id")!);
  assert.deepEqual(t.prompt, { name: "tone", version: 1, label: "production" });
});

test("strict: a missing variable is a 400 naming it; unknown prompts, labels and versions are 404s", async () => {
  const missing = await chat({ prompt: { name: "support/answer", variables: { question: "?" } } });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error.param, "prompt.variables.customer.name");
  assert.match(missing.json.error.message, /'customer\.name'/);
  assert.equal((await chat({ prompt: { name: "nope" } })).json.error.param, "prompt.name");
  assert.equal((await chat({ prompt: { name: "tone", label: "canary" } })).status, 404);
  assert.equal((await chat({ prompt: { name: "tone", version: 9 } })).status, 404);
  const noModel = await chat({ prompt: { name: "no-model", variables: { word: "x" } } });
  assert.equal(noModel.status, 400);
  assert.equal(noModel.json.error.param, "model");
  assert.equal((await chat({ prompt: { name: "tone", label: "x", version: 1 } })).json.error.param, "prompt.version");
  assert.equal((await chat({ model: "sim" }, { "x-keel-prompt": "bad name" })).json.error.param, "x-keel-prompt");
  assert.equal((await chat({ prompt: { name: "tone" }, model: "sim" }, { "x-keel-prompt": "other" })).json.error.param, "x-keel-prompt");
});

test("without a prompt, model and messages are required exactly as before", async () => {
  const noMessages = await chat({ model: "sim" });
  assert.equal(noMessages.status, 400);
  assert.equal(noMessages.json.error.message, "Missing required parameter: 'messages'.");
  const noModel = await chat({ messages: [{ role: "user", content: "x" }] });
  assert.equal(noModel.json.error.message, "Missing required parameter: 'model'.");
});

test("streams work with prompts too", async () => {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
    body: JSON.stringify({ stream: true, prompt: { name: "tone" }, model: "sim" }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-keel-prompt-version"), "tone@1");
  assert.match(await res.text(), /data: \[DONE\]/);
});
