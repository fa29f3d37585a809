import type { Redis } from "ioredis";
import type { RedisConfig } from "./redis-schema.js";

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "redis://(invalid url)";
  }
}

/**
 * Connects, or throws a message that says where and why. Commands fail fast while disconnected
 * (no offline queue): a caller on the hot path gets an error at once rather than a stall, and the
 * client keeps reconnecting in the background.
 */
export async function connectRedis(cfg: RedisConfig, purpose: string): Promise<Redis> {
  // Imported here, not at the top: ioredis and its dependencies are ~2 MB of live heap that a
  // Keel without Redis (the default) never needs (bench/rss.ts, decision 0035).
  const { Redis: Client } = await import("ioredis");
  const client = new Client(cfg.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: cfg.connect_timeout_ms,
    commandTimeout: cfg.command_timeout_ms,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  });
  // Without a listener ioredis prints every reconnect failure; callers see errors on their commands.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new Error(`${purpose} needs Redis, but ${redactRedisUrl(cfg.url)} is unreachable: ${(err as Error).message || String(err)}`);
  }
  return client;
}
