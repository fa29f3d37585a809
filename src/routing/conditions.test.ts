import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatRequest } from "../api/chat-types.js";
import { chatFacts, compileRule, embeddingsFacts, firstMatch, type RequestFacts } from "./conditions.js";
import { ruleSchema } from "./route-schema.js";

const who = { feature: "autocomplete", user: "u1", keyId: "key_1" };
const req = (content: ChatRequest["messages"][number]["content"], extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "chat", messages: [{ role: "user", content }], ...extra,
});
const rule = (when: Record<string, unknown>, route = "small") => compileRule(ruleSchema.parse({ when, route }));

test("each condition: feature, user, key, metadata, tools, images, prompt tokens", () => {
  const f = chatFacts(who, req("short", { metadata: { tier: "free", team: "a" } }));
  assert.equal(rule({ feature: "autocomplete" }).matches(f), true);
  assert.equal(rule({ feature: ["search", "chat"] }).matches(f), false);
  assert.equal(rule({ user: ["u1", "u2"] }).matches(f), true);
  assert.equal(rule({ key_id: "key_2" }).matches(f), false);
  assert.equal(rule({ metadata: { tier: "free" } }).matches(f), true);
  assert.equal(rule({ metadata: { tier: "free", team: "b" } }).matches(f), false);
  assert.equal(rule({ has_tools: false }).matches(f), true);
  assert.equal(rule({ has_images: true }).matches(f), false);
  assert.equal(rule({ max_prompt_tokens: 50 }).matches(f), true);
  assert.equal(rule({ min_prompt_tokens: 50 }).matches(f), false);
  const img = chatFacts({ feature: null, user: null, keyId: null }, req([{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url: "data:," } }]));
  assert.equal(rule({ has_images: true }).matches(img), true);
  assert.equal(rule({ feature: "autocomplete" }).matches(img), false, "no feature never matches a feature rule");
  const tools = chatFacts(who, req("x", { tools: [{ type: "function", function: { name: "f" } }] }));
  assert.equal(rule({ has_tools: true }).matches(tools), true);
});

test("all conditions of a rule must hold; the first matching rule wins; cheap checks go before counting tokens", () => {
  let counted = 0;
  const facts = (feature: string | null, tokens: number): RequestFacts => ({
    feature, user: null, keyId: null, metadata: {}, hasTools: false, hasImages: false,
    promptTokens: () => (counted++, tokens),
  });
  const rules = [rule({ feature: "autocomplete", max_prompt_tokens: 400 }, "small"), rule({ min_prompt_tokens: 8000 }, "long")];
  assert.equal(firstMatch(rules, facts("autocomplete", 120)), "small");
  assert.equal(firstMatch(rules, facts("autocomplete", 900)), null);
  assert.equal(firstMatch(rules, facts("search", 9000)), "long");
  counted = 0;
  firstMatch([rule({ feature: "autocomplete", max_prompt_tokens: 400 })], facts("search", 10));
  assert.equal(counted, 0, "a feature mismatch never counts tokens");
});

test("prompt tokens are counted once per request, lazily", () => {
  const f = chatFacts(who, req("hello there"));
  const a = f.promptTokens();
  assert.ok(a > 0);
  assert.equal(f.promptTokens(), a);
  const e = embeddingsFacts(who, { input: ["one two", "three"] });
  assert.ok(e.promptTokens() >= 3);
  assert.equal(embeddingsFacts(who, { input: [[1, 2, 3]] }).promptTokens(), 3);
});
