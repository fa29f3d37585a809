/** The cache on the Redis backend through a real Keel: a `no-store` call leaves no key in Redis; a plain one is shared from there. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { openTestRedis, TEST_REDIS_URL, type TestRedis } from "../testing/redis-fixture.js";

let redis: TestRedis;
let keel: TestKeel;
let client: OpenAI;

before(async () => {
  redis = await openTestRedis();
  keel = await startTestKeel({ redis: { url: TEST_REDIS_URL, key_prefix: redis.prefix }, cache: { enabled: true, backend: "redis" } });
  client = new OpenAI({ apiKey: keel.key, baseURL: `${keel.url}/v1`, maxRetries: 0 });
});
after(async () => {
  await keel.close();
  await redis.close();
});

const keys = async (): Promise<string[]> => (await redis.client.keys(`${redis.prefix}cache:*`));
const ask = (headers: Record<string, string> = {}) =>
  client.chat.completions.create({ model: "sim", temperature: 0, messages: [{ role: "user", content: "Redis cache me" }] }, { headers }).withResponse();

test("no-store leaves nothing in Redis; without it the answer is stored there and served as a hit", async () => {
  const r = await ask({ "cache-control": "no-store" });
  assert.equal(r.response.headers.get("x-keel-cache"), "bypass");
  await new Promise((res) => setTimeout(res, 150));
  assert.deepEqual(await keys(), []);
  assert.equal((await ask()).response.headers.get("x-keel-cache"), "miss");
  for (let i = 0; i < 100 && (await keys()).length === 0; i++) await new Promise((res) => setTimeout(res, 10));
  assert.equal((await keys()).length, 1);
  const stored = await redis.client.get((await keys())[0]);
  assert.ok(stored && !stored.includes("Redis cache me"), "the request's text is not stored, only its key's hash");
  assert.equal((await ask()).response.headers.get("x-keel-cache"), "hit");
});
