/** The limiter contract against the real Redis (KEEL_TEST_REDIS_URL, default 127.0.0.1:6379). */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openTestRedis, type TestRedis } from "../testing/redis-fixture.js";
import { limitBackendContract } from "./backend.contract.js";
import { RedisBackend } from "./redis-backend.js";

let redis: TestRedis;
let n = 0;

before(async () => (redis = await openTestRedis()));
after(async () => redis.close());

limitBackendContract("redis", { make: async () => new RedisBackend(redis.client, `${redis.prefix}${++n}:`, false) });

test("the scripts survive SCRIPT FLUSH (EVALSHA falls back to EVAL)", async () => {
  const b = new RedisBackend(redis.client, `${redis.prefix}flush:`, false);
  const now = Date.now();
  const admit = { now, lease: "a", leaseExpiresAt: now + 60_000, rates: [{ id: "r", limit: 2, periodMs: 60_000, cost: 1 }], concurrency: [], budgets: [] };
  assert.equal((await b.admit(admit)).ok, true);
  await redis.client.script("FLUSH");
  assert.equal((await b.admit({ ...admit, lease: "b" })).ok, true);
  assert.equal((await b.admit({ ...admit, lease: "c" })).ok, false);
});

test("every key the limiter writes expires on its own", async () => {
  const prefix = `${redis.prefix}ttl:`;
  const b = new RedisBackend(redis.client, prefix, false);
  const now = Date.now();
  await b.admit({
    now, lease: "l", leaseExpiresAt: now + 60_000,
    rates: [{ id: "r", limit: 10, periodMs: 60_000, cost: 1 }],
    concurrency: [{ id: "c", max: 2 }],
    budgets: [{ id: "b", limit: 100, cost: 10, expiresAt: now + 86_400_000 }],
  });
  const keys = await redis.client.keys(`${prefix}*`);
  assert.equal(keys.length, 4);
  for (const k of keys) assert.ok((await redis.client.pttl(k)) > 0, `${k} has a TTL`);
});
