import { test } from "node:test";
import assert from "node:assert/strict";
import { cacheKey, canonicalJson, KEY_EXCLUDED_FIELDS, type CacheKeyParts } from "./cache-key.js";

const base = (): CacheKeyParts => ({
  surface: "openai.chat_completions",
  model: { name: "sim", provider: "sim", upstream: "sim-1" },
  body: { model: "sim", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }], temperature: 0 },
  prompt: null,
  scope: "key:key_a",
});
const keyWith = (f: (p: CacheKeyParts) => void): string => {
  const p = base();
  f(p);
  return cacheKey(p);
};

test("the key is stable across key order and ignores exactly the documented fields", () => {
  const k = cacheKey(base());
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(keyWith((p) => (p.body = { temperature: 0, messages: p.body.messages, model: "alias" })), k, "key order and the model alias do not matter");
  assert.deepEqual(KEY_EXCLUDED_FIELDS, ["model", "stream", "stream_options", "user", "metadata"]);
  assert.equal(keyWith((p) => Object.assign(p.body, { stream: true, stream_options: { include_usage: true }, user: "u1", metadata: { a: "b" } })), k);
});

test("everything that changes the answer changes the key", () => {
  const k = cacheKey(base());
  const changes: [string, (p: CacheKeyParts) => void][] = [
    ["scope", (p) => (p.scope = "key:key_b")],
    ["surface (Messages)", (p) => (p.surface = "anthropic.messages")],
    ["surface (Responses)", (p) => (p.surface = "openai.responses")],
    ["resolved model", (p) => (p.model = { ...p.model, name: "other" })],
    ["provider", (p) => (p.model = { ...p.model, provider: "openai" })],
    ["upstream model", (p) => (p.model = { ...p.model, upstream: "sim-2" })],
    ["prompt version", (p) => (p.prompt = "greet@2")],
    ["system prompt", (p) => ((p.body.messages as { content: string }[])[0].content = "Be long.")],
    ["earlier turn", (p) => (p.body.messages = [{ role: "user", content: "before" }, ...(p.body.messages as object[])])],
    ["tools", (p) => (p.body.tools = [{ type: "function", function: { name: "f" } }])],
    ["tool_choice", (p) => (p.body.tool_choice = "required")],
    ["response_format", (p) => (p.body.response_format = { type: "json_object" })],
    ["temperature", (p) => (p.body.temperature = 0.1)],
    ["top_p", (p) => (p.body.top_p = 0.5)],
    ["seed", (p) => (p.body.seed = 7)],
    ["max_tokens", (p) => (p.body.max_tokens = 5)],
    ["stop", (p) => (p.body.stop = ["\n"])],
    ["an unknown passthrough field", (p) => (p.body.reasoning_effort = "high")],
  ];
  const seen = new Set([k]);
  for (const [what, f] of changes) {
    const other = keyWith(f);
    assert.notEqual(other, k, what);
    seen.add(other);
  }
  assert.equal(seen.size, changes.length + 1);
});

test("parts cannot run into each other: separators keep surface, scope and model apart", () => {
  const a = keyWith((p) => { p.scope = "key:a"; p.model = { ...p.model, name: "bsim" }; });
  const b = keyWith((p) => { p.scope = "key:ab"; p.model = { ...p.model, name: "sim" }; });
  assert.notEqual(a, b);
  assert.notEqual(keyWith((p) => { p.surface = "x"; p.scope = "yz"; }), keyWith((p) => { p.surface = "xy"; p.scope = "z"; }));
});

test("canonical JSON sorts keys at every depth and keeps explicit nulls", () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: null }], c: undefined } }), '{"a":{"d":[1,{"y":null,"z":1}]},"b":1}');
});
