/**
 * GET /api/v1/cache/stats's activity for the Cache page: outcomes per hour, tokens and USD saved,
 * and the time a lookup took, after real calls through the gateway with the official `openai` client.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
let client: OpenAI;

before(async () => {
  keel = await startTestKeel({ cache: { enabled: true } });
  client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
});
after(async () => keel.close());

const ask = (content: string, headers: Record<string, string> = {}) =>
  client.chat.completions.create({ model: "sim", temperature: 0, messages: [{ role: "user", content }] }, { headers }).withResponse();

test("stats carry this hour's hits, misses and bypasses, savings, and lookup latency", async () => {
  assert.equal((await ask("Stats please")).response.headers.get("x-keel-cache"), "miss");
  let hit = "";
  for (let i = 0; i < 100 && hit !== "hit"; i++) {
    await new Promise((r) => setTimeout(r, 20));
    hit = (await ask("Stats please")).response.headers.get("x-keel-cache") ?? "";
  }
  assert.equal(hit, "hit");
  assert.equal((await ask("Not stored", { "cache-control": "no-store" })).response.headers.get("x-keel-cache"), "bypass");
  const s = await keel.admin("GET", "/api/v1/cache/stats");
  assert.equal(s.status, 200);
  assert.equal(s.json.enabled, true);
  const hour = s.json.series.at(-1);
  assert.ok(Math.abs(Date.parse(hour.start) - Date.now()) < 3_600_000 + 60_000);
  assert.equal(hour.hits, s.json.hits);
  assert.equal(hour.misses, s.json.misses);
  assert.equal(hour.bypasses, 1);
  assert.equal(hour.hit_rate, s.json.hit_rate);
  assert.equal(hour.tokens_saved, s.json.tokens_saved);
  assert.ok(hour.tokens_saved > 0);
  assert.ok(s.json.lookup_ms.samples >= 2, "every lookup is timed");
  assert.ok(s.json.lookup_ms.p50 >= 0 && s.json.lookup_ms.p95 >= s.json.lookup_ms.p50);
});

test("with the cache off, stats say so with a 200 (the overview asks on every load)", async () => {
  const off = await startTestKeel({});
  try {
    const s = await off.admin("GET", "/api/v1/cache/stats");
    assert.equal(s.status, 200);
    assert.deepEqual(s.json, { enabled: false });
    assert.equal((await off.admin("POST", "/api/v1/cache/purge", { all: true })).status, 409, "a purge of an off cache is still refused");
  } finally {
    await off.close();
  }
});
