/** The Anthropic-wire fake refuses what Anthropic refuses, so the adapter's contract run means something. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startAnthropicFake } from "./anthropic-wire-fake.js";

const headers = { "content-type": "application/json", "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" };
type ErrorBody = { type: string; error?: { type: string; message: string } };
const post = async (url: string, body: unknown, h: Record<string, string> = headers): Promise<{ status: number; body: ErrorBody }> => {
  const r = await fetch(`${url}/v1/messages`, { method: "POST", headers: h, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as ErrorBody };
};

test("a system role inside messages, a missing max_tokens or key are Anthropic errors", async () => {
  const fake = await startAnthropicFake();
  try {
    const sys = await post(fake.url, { model: "m", max_tokens: 5, messages: [{ role: "system", content: "x" }, { role: "user", content: "hi" }] });
    assert.equal(sys.status, 400);
    assert.deepEqual([sys.body.type, sys.body.error?.type], ["error", "invalid_request_error"]);
    assert.equal((await post(fake.url, { model: "m", messages: [{ role: "user", content: "hi" }] })).status, 400);
    const { "x-api-key": _key, ...noKey } = headers;
    assert.equal((await post(fake.url, { model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }, noKey)).status, 401);
  } finally {
    await fake.close();
  }
});

test("a valid request gets a Messages answer: content blocks, stop_reason, usage in input/output tokens", async () => {
  const fake = await startAnthropicFake();
  try {
    const r = await fetch(`${fake.url}/v1/messages`, { method: "POST", headers, body: JSON.stringify({ model: "m", max_tokens: 3, system: "Be brief.", messages: [{ role: "user", content: "one two three four five" }] }) });
    const m = (await r.json()) as { type: string; content: { type: string; text: string }[]; stop_reason: string; usage: { input_tokens: number; output_tokens: number } };
    assert.equal(m.type, "message");
    assert.equal(m.content[0].type, "text");
    assert.equal(m.content[0].text.split(" ").length, 3);
    assert.equal(m.stop_reason, "max_tokens");
    assert.deepEqual([m.usage.input_tokens, m.usage.output_tokens], [7, 3]);
  } finally {
    await fake.close();
  }
});
