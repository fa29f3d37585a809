import { z } from "zod";

/**
 * `cache:` in keel.yaml — the response cache (docs/cache.md, docs/decisions/0024-cache-key-and-scope.md).
 * Schema only: config validates it without loading a backend.
 */

/** Who may share an entry: the virtual key (default), its team, or every caller (explicit opt-in). */
export const cacheScopeSchema = z.enum(["key", "team", "global"]);
export type CacheScope = z.output<typeof cacheScopeSchema>;

/**
 * `deterministic`: only calls whose temperature (OpenAI's default 1 when absent) is at most
 * `max_temperature`; `always`: every call; `never`: none.
 */
export const cacheModeSchema = z.enum(["deterministic", "always", "never"]);
export type CacheMode = z.output<typeof cacheModeSchema>;

const DAY_S = 86_400;
const ttl = z.int().min(1, "a TTL is at least 1 second").max(365 * DAY_S);
const entryBytes = z.int().min(256).max(64 * 1024 * 1024);

/** What a route may override; absent fields inherit the section's. */
export const cacheRouteSchema = z.strictObject({
  mode: cacheModeSchema.optional(),
  max_temperature: z.number().min(0).max(2).optional(),
  ttl_s: ttl.optional(),
  max_entry_bytes: entryBytes.optional(),
  scope: cacheScopeSchema.optional(),
  cache_tool_calls: z.boolean().optional(),
  cache_json_schema: z.boolean().optional(),
});
export type CacheRouteConfig = z.output<typeof cacheRouteSchema>;

export const cacheConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** `sqlite` (default, `<data dir>/cache.db`), `memory` (this process only), `redis` (shared: `redis:`). */
    backend: z.enum(["memory", "sqlite", "redis"]).default("sqlite"),
    scope: cacheScopeSchema.default("key"),
    mode: cacheModeSchema.default("deterministic"),
    /** Under `deterministic`: the highest temperature still cached. */
    max_temperature: z.number().min(0).max(2).default(0),
    ttl_s: ttl.default(3600),
    /** A stored answer above this size (its encoded entry) is not stored, and one read back above it is dropped. */
    max_entry_bytes: entryBytes.default(256 * 1024),
    /** The in-process backend's bound on the bytes it holds (least recently used entries go first). */
    memory_max_bytes: z.int().min(64 * 1024).max(16 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    /** Answers that call tools are cached only when allowed (tools act on the world). */
    cache_tool_calls: z.boolean().default(false),
    /** Calls with `response_format: json_schema` are cached only when allowed. */
    cache_json_schema: z.boolean().default(false),
    /** Highest `x-keel-cache-ttl` a caller may ask for. */
    max_request_ttl_s: ttl.default(7 * DAY_S),
    /** Per route or model name (what the client sent as `model`, or the name it resolved to). */
    routes: z.record(z.string().min(1).max(256), cacheRouteSchema).default({}),
  })
  .prefault({});

export type CacheConfig = z.output<typeof cacheConfigSchema>;
