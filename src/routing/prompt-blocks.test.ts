import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatRequest } from "../api/chat-types.js";
import { profilePrompt } from "../providers/sim/prompt-profile.js";
import { PromptBlocks } from "./prompt-blocks.js";

const doc = Array.from({ length: 400 }, (_, i) => `clause ${i} of the shared policy document applies to every tenant`).join(". ");
const req = (question: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "llama",
  messages: [
    { role: "system", content: "You answer questions about the policy below." },
    { role: "user", content: doc },
    { role: "user", content: question },
  ],
  ...extra,
});

test("the router's block hashes are the simulator's: same seed, block size and token stream", () => {
  const blocks = new PromptBlocks();
  const tools = [{ type: "function" as const, function: { name: "lookup", parameters: { type: "object" } } }];
  for (const r of [req("what does clause 7 say?"), req("and clause 9?", { tools }), { model: "llama", messages: [{ role: "user" as const, content: "hi" }] }]) {
    for (const size of [1, 16, 64]) {
      assert.deepEqual(blocks.hashes(r, size, "llama"), profilePrompt(r, size).blockHashes, `block size ${size}`);
    }
  }
});

test("prompts sharing a prefix share their leading hashes; the seed separates models", () => {
  const blocks = new PromptBlocks();
  const a = blocks.hashes(req("first question"), 16, "llama");
  const b = blocks.hashes(req("a different, longer second question about something else"), 16, "llama");
  let common = 0;
  while (common < a.length && a[common] === b[common]) common++;
  assert.ok(common >= a.length - 2, `shared prefix blocks: ${common} of ${a.length}`);
  assert.notEqual(blocks.hashes(req("first question"), 16, "mistral")[0], a[0]);
});

test("memoised per message: a repeat gives the same hashes; a tiny memo still works", () => {
  const small = new PromptBlocks(1024);
  const big = new PromptBlocks();
  const r = req("q");
  assert.deepEqual(small.hashes(r, 16, "m"), big.hashes(r, 16, "m"));
  assert.deepEqual(small.hashes(r, 16, "m"), big.hashes(r, 16, "m"));
  const special = { model: "m", messages: [{ role: "user" as const, content: "text with <|endoftext|> inside" }] };
  assert.ok(Array.isArray(big.hashes(special, 4, "m")), "special-token strings are plain text, never a throw");
});
