/**
 * The response cache end to end, with the official `openai` client against a real Keel (SQLite
 * backend, the embedded default): misses then hits, plain and streamed; tenant isolation; the
 * cache headers; no-store leaving nothing on disk; corrupt entries dropped; sensitive answers
 * never stored; purges audited.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import Database from "better-sqlite3";
import OpenAI from "openai";
import type { TraceRecord } from "../observe/types.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

const CARD = ["4111", "1111", "1111", "1111"].join(" ");
let keel: TestKeel;
let client: OpenAI;

before(async () => {
  keel = await startTestKeel({
    providers: [{ name: "scripted", kind: "sim", rules: [{ match: "^card please", text: `Your card is ${CARD}.` }, { match: "^weather", tool_call: { name: "get_weather", arguments: { city: "Paris" } } }] }],
    models: [{ name: "scripted", provider: "scripted" }],
    cache: { enabled: true, routes: { scripted: { mode: "always" } } },
  });
  client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
});
after(async () => keel.close());

function rows(): number {
  const db = new Database(join(keel.dataDir, "cache.db"), { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM cache_entries").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Deferred stages run after the response: wait until the entry count settles at `n`. */
async function untilRows(n: number): Promise<void> {
  for (let i = 0; i < 200 && rows() !== n; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(rows(), n);
}

const ask = (content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}, c = client) =>
  c.chat.completions.create({ model: "sim", temperature: 0, messages: [{ role: "system", content: "Be brief." }, { role: "user", content }], ...extra }, { headers }).withResponse();

describe("exact cache", () => {
  test("a miss is stored; the same call is then a hit with the same answer, an age and no upstream call", async () => {
    const before = rows();
    const a = await ask("What is a cache?");
    assert.equal(a.response.headers.get("x-keel-cache"), "miss");
    assert.ok(a.response.headers.get("x-keel-target"), "the miss went upstream");
    await untilRows(before + 1);
    const b = await ask("What is a cache?");
    assert.equal(b.response.headers.get("x-keel-cache"), "hit");
    assert.match(b.response.headers.get("age") ?? "", /^\d+$/);
    assert.equal(b.response.headers.get("x-keel-target"), null, "a hit is served without routing");
    assert.equal(b.data.choices[0].message.content, a.data.choices[0].message.content);
    assert.notEqual(b.data.id, a.data.id, "each answer has its own id");
    assert.equal(b.data.object, "chat.completion");
    // The outcome is on the trace record, and /metrics counts it with what the hit saved.
    await new Promise((r) => setTimeout(r, 50));
    const metrics = await (await fetch(`${keel.url}/metrics`)).text();
    assert.match(metrics, /keel_response_cache_requests_total\{outcome="hit",route="sim"\} [1-9]/);
    assert.match(metrics, /keel_response_cache_requests_total\{outcome="miss",route="sim"\} [1-9]/);
    assert.match(metrics, /keel_response_cache_tokens_saved_total\{route="sim"\} [1-9]/);
  });

  test("fields that do not change the answer (user, metadata) share the entry; one that does (max_tokens) does not", async () => {
    await ask("Share me");
    await untilRows(rows());
    await new Promise((r) => setTimeout(r, 50));
    const same = await ask("Share me", { user: "someone-else", metadata: { tag: "x" } });
    assert.equal(same.response.headers.get("x-keel-cache"), "hit");
    const other = await ask("Share me", { max_tokens: 3 });
    assert.equal(other.response.headers.get("x-keel-cache"), "miss");
  });

  test("a streamed miss is stored and replayed as a real stream: several chunks, usage last when asked", async () => {
    const first = await client.chat.completions.create({ model: "sim", temperature: 0, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Stream a long answer about caches" }] }).withResponse();
    let live = "";
    for await (const c of first.data) live += c.choices[0]?.delta.content ?? "";
    assert.equal(first.response.headers.get("x-keel-cache"), "miss");
    await new Promise((r) => setTimeout(r, 100));
    const again = await client.chat.completions.create({ model: "sim", temperature: 0, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Stream a long answer about caches" }] }).withResponse();
    assert.equal(again.response.headers.get("x-keel-cache"), "hit");
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of again.data) chunks.push(c);
    assert.ok(chunks.length > 3, `replayed as ${chunks.length} chunks, not one`);
    assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id));
    assert.equal(chunks[0].choices[0].delta.role, "assistant");
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), live);
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage && last.usage.completion_tokens > 0, "usage in the last chunk");
    assert.equal(chunks.filter((c) => c.usage).length, 1);
    assert.equal(chunks.at(-2)!.choices[0].finish_reason, "stop");
    // The same entry answers a plain call too (stream is not in the key), and a stream without include_usage gets no usage.
    const plain = await client.chat.completions.create({ model: "sim", temperature: 0, messages: [{ role: "user", content: "Stream a long answer about caches" }] }).withResponse();
    assert.equal(plain.response.headers.get("x-keel-cache"), "hit");
    assert.equal(plain.data.choices[0].message.content, live);
    const quiet = await client.chat.completions.create({ model: "sim", temperature: 0, stream: true, messages: [{ role: "user", content: "Stream a long answer about caches" }] });
    for await (const c of quiet) assert.ok(!c.usage);
  });

  test("the trace records the outcome, the entry and what the hit saved; a hit costs and spends nothing", async () => {
    const seen: TraceRecord[] = [];
    const writer = keel.app.traces;
    const original = writer.record.bind(writer);
    writer.record = (r: TraceRecord) => { seen.push(r); return original(r); };
    try {
      await ask("Trace my cache");
      await new Promise((r) => setTimeout(r, 50));
      await ask("Trace my cache");
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      writer.record = original;
    }
    const [miss, hit] = seen;
    assert.equal(miss.cache?.outcome, "miss");
    assert.ok(miss.tokensIn > 0);
    assert.equal(hit.cache?.outcome, "hit");
    assert.equal(hit.cache?.entry, miss.cache?.entry, "the hit names the entry the miss made");
    assert.match(hit.cache?.entry ?? "", /^[0-9a-f]{16}$/);
    assert.equal(hit.cache?.tokens_saved, miss.tokensIn + miss.tokensOut);
    assert.equal(hit.tokensIn + hit.tokensOut, 0);
    assert.equal(hit.costUsd, 0);
  });

  test("two virtual keys with the same prompt never share an entry under the default key scope", async () => {
    const other = keel.app.keys.create({ name: "tenant-b" });
    const b = new OpenAI({ apiKey: other.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
    await ask("Tenant secret question");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await ask("Tenant secret question")).response.headers.get("x-keel-cache"), "hit");
    assert.equal((await ask("Tenant secret question", {}, {}, b)).response.headers.get("x-keel-cache"), "miss", "another key never sees the first key's entry");
  });

  test("Cache-Control: no-store reads and writes nothing: no row on disk; no-cache skips the lookup and refreshes", async () => {
    const n = rows();
    const r = await ask("Never keep this", {}, { "cache-control": "no-store" });
    assert.equal(r.response.headers.get("x-keel-cache"), "bypass");
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(rows(), n, "nothing written");
    assert.equal((await ask("Never keep this")).response.headers.get("x-keel-cache"), "miss");
    await untilRows(n + 1);
    assert.equal((await ask("Never keep this", {}, { "cache-control": "no-cache" })).response.headers.get("x-keel-cache"), "miss");
    assert.equal((await ask("Never keep this")).response.headers.get("x-keel-cache"), "hit");
  });

  test("x-keel-cache-ttl outside 1..max is a 400 naming the header; a sampled call on a deterministic route bypasses", async () => {
    const res = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json", "x-keel-cache-ttl": "-5" },
      body: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { param: string; message: string } };
    assert.equal(body.error.param, "x-keel-cache-ttl");
    assert.match(body.error.message, /whole number of seconds from 1 to \d+/);
    const warm = await ask("Sampled", { temperature: 0.9 });
    assert.equal(warm.response.headers.get("x-keel-cache"), "bypass");
  });

  test("an answer with personal data is not stored (capture.pii: mask); a tool-call answer only where the route allows", async () => {
    const n = rows();
    const scripted = (content: string, extra: Record<string, unknown> = {}) => client.chat.completions.create({ model: "scripted", messages: [{ role: "user", content }], ...extra }).withResponse();
    const a = await scripted("card please");
    assert.ok(a.data.choices[0].message.content?.includes(CARD), "the client gets the answer");
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(rows(), n, "a card number never rests in the cache");
    assert.equal((await scripted("card please")).response.headers.get("x-keel-cache"), "miss");
    const tools = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
    await scripted("weather now", { tools });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await scripted("weather now", { tools })).response.headers.get("x-keel-cache"), "miss", "tool calls are not cached by default");
    const stats = await keel.admin("GET", "/api/v1/cache/stats");
    assert.ok(stats.json.skipped_sensitive >= 2);
  });

  test("a corrupt entry is dropped and counted, never served", async () => {
    await ask("Corrupt me");
    await new Promise((r) => setTimeout(r, 100));
    const db = new Database(join(keel.dataDir, "cache.db"));
    db.prepare("UPDATE cache_entries SET value = substr(value, 1, 40)").run();
    db.close();
    const before = (await keel.admin("GET", "/api/v1/cache/stats")).json.dropped_corrupt;
    const r = await ask("Corrupt me");
    assert.equal(r.response.headers.get("x-keel-cache"), "miss");
    assert.ok((r.data.choices[0].message.content ?? "").length > 0);
    const after = (await keel.admin("GET", "/api/v1/cache/stats")).json.dropped_corrupt;
    assert.equal(after, before + 1);
  });

  test("entries made with a prompt version die when its label moves off it (replaced, then rolled back)", async () => {
    const push = (text: string) => keel.admin("POST", "/api/v1/prompts", { prompts: [{ name: "faq", type: "chat", model: "sim", params: { temperature: 0 }, messages: [{ role: "system", content: text }, { role: "user", content: "{{q}}" }], labels: ["production"] }] });
    const call = async () => {
      const res = await fetch(`${keel.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
        body: JSON.stringify({ prompt: { name: "faq", variables: { q: "Opening hours?" } } }),
      });
      await res.text();
      return { cache: res.headers.get("x-keel-cache"), version: res.headers.get("x-keel-prompt-version") };
    };
    const byPrompt = (v: string): number => {
      const db = new Database(join(keel.dataDir, "cache.db"), { readonly: true });
      try {
        return (db.prepare("SELECT COUNT(*) AS n FROM cache_entries WHERE prompt = ?").get(v) as { n: number }).n;
      } finally {
        db.close();
      }
    };
    assert.equal((await push("Answer as the shop.")).status, 201);
    assert.deepEqual(await call(), { cache: "miss", version: "faq@1" });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await call(), { cache: "hit", version: "faq@1" });
    assert.equal(byPrompt("faq@1"), 1);
    assert.equal((await push("Answer as the shop, politely.")).status, 201);
    assert.equal(byPrompt("faq@1"), 0, "replaced: v1's entries are gone");
    assert.deepEqual(await call(), { cache: "miss", version: "faq@2" });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(byPrompt("faq@2"), 1);
    const rb = await keel.admin("POST", "/api/v1/prompts/faq/rollback", { label: "production" });
    assert.equal(rb.status, 200, JSON.stringify(rb.json));
    assert.equal(byPrompt("faq@2"), 0, "rolled back: v2's entries are gone");
    assert.deepEqual(await call(), { cache: "miss", version: "faq@1" });
  });

  test("purge by route is audited; a bad purge is a 400 naming the field", async () => {
    await ask("Purge me");
    await new Promise((r) => setTimeout(r, 100));
    const none = await keel.admin("POST", "/api/v1/cache/purge", {});
    assert.equal(none.status, 400);
    assert.equal(none.json.error.param, "route");
    const badKey = await keel.admin("POST", "/api/v1/cache/purge", { key: "nope" });
    assert.equal(badKey.status, 400);
    assert.equal(badKey.json.error.param, "key");
    const p = await keel.admin("POST", "/api/v1/cache/purge", { route: "sim", reason: "test" });
    assert.equal(p.status, 200);
    assert.ok(p.json.deleted >= 1);
    assert.equal((await ask("Purge me")).response.headers.get("x-keel-cache"), "miss");
    const audit = await keel.admin("GET", "/api/v1/audit?action=cache.purged");
    assert.equal(audit.status, 200);
    assert.ok(JSON.stringify(audit.json).includes("cache.purged"));
  });
});
