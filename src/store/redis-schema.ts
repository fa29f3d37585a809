import { z } from "zod";

/**
 * The `redis:` section of keel.yaml: the Redis that Keel instances share (limits today). Apart from
 * redis.ts so that config/ validates it without loading the Redis client.
 */
export const redisConfigSchema = z
  .strictObject({
    url: z.string().regex(/^rediss?:\/\/\S+$/, "a redis:// or rediss:// URL").default("redis://127.0.0.1:6379"),
    /** Prepended to every key Keel writes, so one Redis can serve several Keel deployments. */
    key_prefix: z.string().min(1).max(128).default("keel:"),
    connect_timeout_ms: z.int().min(100).max(60_000).default(2_000),
    /** A command not answered by then fails (and limits apply `limits.on_redis_error`). */
    command_timeout_ms: z.int().min(10).max(60_000).default(500),
  })
  .prefault({});

export type RedisConfig = z.output<typeof redisConfigSchema>;
