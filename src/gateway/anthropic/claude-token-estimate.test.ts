/**
 * Token estimates for Claude models on /v1/messages, with the official `@anthropic-ai/sdk`: the
 * count_tokens answer and the limiter's reservation are one function — o200k for other models, the
 * documented Claude estimate (tokens/model-tokenizer.ts) for Claude ones — so a prompt that fits a
 * token limit under the o200k count can be refused for a Claude model, naming the count that
 * count_tokens reported.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { countPromptTokens } from "../../tokens/count.js";
import { CLAUDE_TOKEN_FACTOR } from "../../tokens/model-tokenizer.js";
import { type AnthropicFake, startAnthropicFake } from "../../testing/anthropic-wire-fake.js";
import { startTestKeel, type TestKeel } from "../../testing/keel-fixture.js";
import { promptToChat } from "./request-to-chat.js";

const MAX_TOKENS = 10;
const prompt = { system: "You are a careful assistant.", messages: [{ role: "user" as const, content: "Tell me about keels, hulls and rudders. ".repeat(30) }] };
// The prompt as Keel counts it with o200k (the translated internal request, as count_tokens counts it).
const o200k = countPromptTokens(promptToChat({ model: "sim", ...prompt }));
const claude = Math.ceil(o200k * CLAUDE_TOKEN_FACTOR);
// Room for the o200k reservation, not for the Claude one.
const TPM = o200k + MAX_TOKENS + Math.floor((claude - o200k) / 2);

let keel: TestKeel;
let fake: AnthropicFake;
let client: Anthropic;

before(async () => {
  assert.ok(claude - o200k >= 4, "the prompt is long enough for the two counts to differ");
  fake = await startAnthropicFake();
  keel = await startTestKeel({
    providers: [{ name: "claude", kind: "anthropic", base_url: fake.url, api_key: "sk-ant-upstream-test" }],
    models: [{ name: "claude-test", provider: "claude" }, { name: "sim-as-claude", provider: "sim", model: "claude-sonnet-4-5" }],
    limits: { rules: [{ name: "tight", scope: ["model"], match: { feature: "tight" }, tpm: TPM }] },
  });
  client = new Anthropic({ apiKey: keel.key, baseURL: keel.url, maxRetries: 0 });
});
after(async () => {
  await keel.close();
  await fake.close();
});

test("count_tokens: the o200k count for other models, the Claude estimate for Claude models wherever they are served", async () => {
  assert.equal((await client.messages.countTokens({ model: "sim", ...prompt })).input_tokens, o200k);
  assert.equal((await client.messages.countTokens({ model: "claude-test", ...prompt })).input_tokens, claude, "an Anthropic target");
  assert.equal((await client.messages.countTokens({ model: "sim-as-claude", ...prompt })).input_tokens, claude, "a Claude upstream name on another provider");
});

test("the limiter reserves the same count: a prompt that fits under o200k is refused for a Claude model, naming count_tokens' figure", async () => {
  const headers = { "x-keel-feature": "tight" };
  const ok = await client.messages.create({ model: "sim", max_tokens: MAX_TOKENS, ...prompt }, { headers });
  assert.equal(ok.type, "message", "o200k reservation fits the limit");
  const counted = (await client.messages.countTokens({ model: "claude-test", ...prompt })).input_tokens;
  await assert.rejects(client.messages.create({ model: "claude-test", max_tokens: MAX_TOKENS, ...prompt }, { headers }), (err: unknown) => {
    assert.ok(err instanceof Anthropic.RateLimitError, String(err));
    assert.match(err.message, new RegExp(`prompt ${counted} \\+ up to ${MAX_TOKENS} completion tokens`));
    return true;
  });
  assert.equal(fake.requests.length, 0, "refused before any upstream call");
});
