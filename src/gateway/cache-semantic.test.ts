/**
 * The semantic cache (experimental, opt-in) through a real Keel with the offline embedder: a
 * paraphrase in the same context is a `semantic-hit` marked on the trace; the same question under
 * another system prompt, another tenant, or as a follow-up of another conversation is not.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { TraceRecord } from "../observe/types.js";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
const seen: TraceRecord[] = [];

before(async () => {
  await getDefaultEmbedder().warm();
  keel = await startTestKeel({ cache: { enabled: true, backend: "memory", semantic: { enabled: true, threshold: 0.9 } } });
  const writer = keel.app.traces;
  const original = writer.record.bind(writer);
  writer.record = (r: TraceRecord) => { seen.push(r); return original(r); };
});
after(async () => keel.close());

async function ask(messages: unknown[], key = keel.key): Promise<{ cache: string | null; id: string; content: string }> {
  const res = await fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "sim", temperature: 0, messages }),
  });
  const json = (await res.json()) as { choices: { message: { content: string } }[] };
  // The entry and its vector are written after the response.
  await new Promise((r) => setTimeout(r, 150));
  return { cache: res.headers.get("x-keel-cache"), id: res.headers.get("x-request-id")!, content: json.choices[0].message.content };
}
const q = (text: string, system = "You are the shop's assistant.") => [{ role: "system", content: system }, { role: "user", content: text }];

test("a paraphrase in the same context is a semantic hit, with the matched entry and similarity on the trace", async () => {
  const first = await ask(q("How do I reset my password?"));
  assert.equal(first.cache, "miss");
  const para = await ask(q("How can I reset my password?"));
  assert.equal(para.cache, "semantic-hit");
  assert.equal(para.content, first.content, "the stored answer");
  const t1 = seen.find((r) => r.id === first.id)!;
  const t2 = seen.find((r) => r.id === para.id)!;
  assert.equal(t2.cache?.outcome, "semantic-hit");
  assert.equal(t2.cache?.entry, t1.cache?.entry, "the trace names the entry it matched");
  assert.ok(t2.cache!.similarity! >= 0.9 && t2.cache!.similarity! <= 1, String(t2.cache?.similarity));
  const stats = await keel.admin("GET", "/api/v1/cache/stats");
  assert.equal(stats.json.semantic_hits, 1);
  assert.ok(stats.json.semantic.vectors >= 1);
});

test("the same question under another system prompt, or for another tenant, never matches", async () => {
  await ask(q("What are your opening hours?"));
  assert.equal((await ask(q("What are your opening hours?", "You are a pirate."))).cache, "miss");
  const other = keel.app.keys.create({ name: "tenant-b" });
  assert.equal((await ask(q("What are your opening hours?"), other.key)).cache, "miss");
});

test("a follow-up ('and in French?') never matches the follow-up of another conversation", async () => {
  const convo = (topic: string) => [
    { role: "system", content: "You are helpful." }, { role: "user", content: `Explain ${topic} in one line.` },
    { role: "assistant", content: `${topic} is a thing.` }, { role: "user", content: "And in French?" },
  ];
  assert.equal((await ask(convo("photosynthesis"))).cache, "miss");
  assert.equal((await ask(convo("inflation"))).cache, "miss", "same last turn, different conversation");
  assert.equal((await ask(convo("photosynthesis"))).cache, "hit", "the same conversation is an exact hit");
});
