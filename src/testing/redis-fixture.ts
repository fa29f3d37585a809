import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/** The Redis the `*.int.test.ts` files use: KEEL_TEST_REDIS_URL, else the local default. */
export const TEST_REDIS_URL = process.env.KEEL_TEST_REDIS_URL || "redis://127.0.0.1:6379";

export interface TestRedis {
  readonly client: Redis;
  /** Unique to this test run: every key a test writes starts with it. */
  readonly prefix: string;
  /** Deletes every key under the prefix and disconnects. */
  close(): Promise<void>;
}

/**
 * Connects to the test Redis with a fresh key prefix. An unreachable server fails the test that
 * asked for it: Redis is a documented requirement of `npm test`, so its tests never skip.
 */
export async function openTestRedis(): Promise<TestRedis> {
  const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    throw new Error(`the tests need Redis at ${TEST_REDIS_URL} (set KEEL_TEST_REDIS_URL to point elsewhere): ${(e as Error).message}`);
  }
  const prefix = `keel-test:${randomBytes(6).toString("hex")}:`;
  return {
    client,
    prefix,
    async close() {
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== "0");
      await client.quit();
    },
  };
}
