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
  /** Semantic lookups on this route (needs `semantic.enabled`); absent: the section's `semantic.routes_default`. */
  semantic: z.boolean().optional(),
  /** Cosine similarity a semantic hit needs on this route, 0–1 (choose it with `keel cache calibrate`). */
  semantic_threshold: z.number().min(0).max(1).optional(),
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
    /**
     * The semantic cache (experimental, off): on an exact miss, the last user turn's embedding
     * (offline embedder) is compared with entries of the same context. docs/cache.md has the
     * measured false-hit rates that keep it off by default.
     */
    semantic: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Whether routes without their own `semantic` use it. */
        routes_default: z.boolean().default(true),
        threshold: z.number().min(0).max(1).default(0.95),
        /** Vectors kept in total and per context (the oldest go first). */
        max_entries: z.int().min(1).max(10_000_000).default(100_000),
        max_entries_per_context: z.int().min(1).max(1_000_000).default(10_000),
        /**
         * Share of semantic hits re-asked to the model in the background, their fresh answer
         * compared with the one served (the online false-hit estimate, docs/cache.md). 0: never.
         */
        verify_sample: z.number().min(0).max(1).default(0.05),
        /** Re-asks in flight at once, and waiting; a sampled hit finding the queue full is counted as `dropped`. */
        verify_concurrency: z.int().min(1).max(64).default(2),
        verify_queue: z.int().min(0).max(10_000).default(100),
        /** Two long answers agree when their offline-embedding cosine reaches this (short ones must match normalised). */
        verify_agreement: z.number().min(0).max(1).default(0.9),
        /**
         * What a verified false hit does to its entry: `raise` its own threshold above the false
         * hit's similarity (it still serves exact hits and closer paraphrases), or `evict` it.
         */
        on_false_hit: z.enum(["raise", "evict"]).default("raise"),
      })
      .prefault({}),
    /** Per route or model name (what the client sent as `model`, or the name it resolved to). */
    routes: z.record(z.string().min(1).max(256), cacheRouteSchema).default({}),
  })
  .prefault({});

export type CacheConfig = z.output<typeof cacheConfigSchema>;
