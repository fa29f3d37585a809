import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openTestRedis, type TestRedis } from "../testing/redis-fixture.js";
import { cacheBackendContract } from "./cache-backend.contract.js";
import { RedisCacheBackend } from "./redis-cache-backend.js";
import { CacheService } from "./cache-service.js";
import { cacheConfigSchema } from "./cache-schema.js";

let redis: TestRedis;
let n = 0;
before(async () => {
  redis = await openTestRedis();
});
after(async () => redis.close());

// Each backend gets its own prefix under the run's; `close` on the backend must not close the shared client.
cacheBackendContract("redis", () => {
  const b = new RedisCacheBackend(redis.client, `${redis.prefix}${n++}:`);
  b.close = async () => {};
  return b;
});

test("redis: entries expire in Redis itself (PX), so dead entries are not left behind", async () => {
  const b = new RedisCacheBackend(redis.client, `${redis.prefix}ttl:`);
  const now = Date.now();
  await b.set({ key: "k", value: "v", createdAt: now, expiresAt: now + 5000, tags: { route: "r", model: "m", scope: "s", prompt: null } });
  const ttl = await redis.client.pttl(`${redis.prefix}ttl:cache:e:k`);
  assert.ok(ttl > 0 && ttl <= 5000, `pttl ${ttl}`);
});

test("redis: a mangled value is dropped and counted by the service, never served", async () => {
  const prefix = `${redis.prefix}bad:`;
  const service = new CacheService(new RedisCacheBackend(redis.client, prefix), cacheConfigSchema.parse({ enabled: true, backend: "redis" }));
  await redis.client.set(`${prefix}cache:e:abc`, "{not json");
  assert.equal(await service.lookup("abc", 1 << 20, Date.now()), null);
  assert.equal(service.counters.droppedCorrupt, 1);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await redis.client.exists(`${prefix}cache:e:abc`), 0, "deleted");
});
