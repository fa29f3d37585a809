import type { Command, Redis } from "ioredis";
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
 * client keeps reconnecting in the background. `command_timeout_ms` is enforced by
 * `timeCommands`, not by ioredis.
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
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  });
  // Without a listener ioredis prints every reconnect failure; callers see errors on their commands.
  client.on("error", () => {});
  timeCommands(client, cfg.command_timeout_ms);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new Error(`${purpose} needs Redis, but ${redactRedisUrl(cfg.url)} is unreachable: ${(err as Error).message || String(err)}`);
  }
  return client;
}

/**
 * ioredis's `commandTimeout`, except that a command is declared timed out only after the event
 * loop has had one turn to read its socket. After this thread was blocked (a first call loading
 * the tokenizer, a synchronous store call), timers run before sockets are read, so ioredis failed
 * commands whose replies had arrived in time and were waiting to be read — and the limiter refused
 * those calls with `limits_unavailable` (store-outage.int.test.ts, a loaded machine). One
 * `setImmediate` lets the I/O phase read what is there; a command Redis really did not answer
 * still fails, at most one loop turn later. Nothing is retried, so an admission never runs twice.
 */
function timeCommands(client: Redis, ms: number): void {
  const send = client.sendCommand.bind(client);
  const timed = new WeakSet<Command>();
  client.sendCommand = (command, stream) => {
    const out = send(command, stream);
    if (!timed.has(command)) {
      timed.add(command);
      let settled = false;
      const timer = setTimeout(() => {
        if (!settled) setImmediate(() => settled || command.reject(new Error("Command timed out")));
      }, ms);
      const done = (): void => {
        settled = true;
        clearTimeout(timer);
      };
      command.promise.then(done, done);
    }
    return out;
  };
}
