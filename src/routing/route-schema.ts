import { z } from "zod";
import { priceSchema } from "../observe/price-schema.js";
import { engineSchema } from "../engines/engine-schema.js";

/**
 * The `routes:` section of keel.yaml: a public model name served by several targets, a strategy
 * to choose among them, and the resilience settings around each call (docs/routing.md).
 * Parsed once at start-up; references (providers, rule targets) are checked in route-references.ts.
 */

export const STRATEGIES = ["failover", "weighted", "least-latency", "least-busy", "prefix-affinity"] as const;
export type Strategy = (typeof STRATEGIES)[number];

const ms = (max: number) => z.int().min(1).max(max);

/** Per-attempt timeouts; unset means unbounded (the request's deadline still applies). */
export const timeoutsSchema = z.strictObject({
  /** Until the upstream accepted the call (response headers for HTTP providers). */
  connect_ms: ms(600_000).optional(),
  /** Until the first chunk of a stream, or the whole completion when not streaming. */
  first_token_ms: ms(3_600_000).optional(),
  /** Longest silence between two chunks of a stream. */
  idle_ms: ms(3_600_000).optional(),
  /** Whole attempt, first byte to last. */
  total_ms: ms(3_600_000).optional(),
});

export const retrySchema = z.strictObject({
  /** Attempts per request across all targets, the first one included. */
  max_attempts: z.int().min(1).max(10).default(3),
  /** Full-jitter exponential backoff before re-trying a target already tried: random(0, min(max, base·2^k)). */
  backoff_base_ms: z.int().min(0).max(60_000).default(100),
  backoff_max_ms: z.int().min(0).max(600_000).default(2_000),
  /** A Retry-After longer than this is not waited for: the target is skipped instead. */
  max_retry_after_ms: z.int().min(0).max(600_000).default(10_000),
});

export const breakerSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Opens after this many failures in a row. */
  consecutive_failures: z.int().min(1).max(10_000).default(5),
  /** …or when the failure share over the rolling window reaches this, once it holds min_samples calls. */
  error_rate: z.number().gt(0).max(1).default(0.5),
  window_ms: z.int().min(100).max(3_600_000).default(30_000),
  min_samples: z.int().min(1).max(1_000_000).default(20),
  /** Open for this long, then half-open: a few probe calls decide whether it closes again. */
  cooldown_ms: z.int().min(10).max(3_600_000).default(30_000),
  /** Probe calls let through at once while half-open. */
  half_open_probes: z.int().min(1).max(100).default(1),
});

export const prefixAffinitySchema = z.strictObject({
  /** Block size of the chained prompt hashes; match the servers' KV block size (vLLM: 16). */
  block_tokens: z.int().min(1).max(4096).default(16),
  /** Block hashes remembered per target (LRU); size it like the server's prefix cache. */
  lru_blocks: z.int().min(1).max(10_000_000).default(16_384),
  /** Bounded load: no target takes more than load_factor × the mean in-flight (rounded up). */
  load_factor: z.number().min(1).max(10).default(1.25),
});

const stringOrList = z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1).max(1000)]);

export const conditionSchema = z
  .strictObject({
    feature: stringOrList.optional(),
    user: stringOrList.optional(),
    key_id: stringOrList.optional(),
    /** Every listed metadata key must have exactly this value. */
    metadata: z.record(z.string(), z.string()).optional(),
    min_prompt_tokens: z.int().min(0).optional(),
    max_prompt_tokens: z.int().min(0).optional(),
    has_tools: z.boolean().optional(),
    has_images: z.boolean().optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: "a rule needs at least one condition" });

export const ruleSchema = z.strictObject({
  when: conditionSchema,
  /** A route or model name (not an alias chain: the chosen route's own rules are not applied). */
  route: z.string().min(1).max(256),
});

export const targetSchema = z.strictObject({
  provider: z.string().min(1),
  /** Upstream model name; defaults to the route's name. */
  model: z.string().min(1).max(256).optional(),
  weight: z.number().positive().max(1_000_000).default(1),
  /** Lower goes first: other tiers are used only when every target of the best tier is out. */
  priority: z.int().min(0).max(1000).default(0),
  /** Per field, overrides the route's `timeouts`. */
  timeouts: timeoutsSchema.optional(),
  /** Overrides the price table for calls this target served. */
  price: priceSchema.optional(),
  /** A self-hosted engine (vLLM, SGLang, TGI, llama.cpp) whose metrics page Keel scrapes. */
  engine: engineSchema.optional(),
});

export const routeSchema = z.strictObject({
  /** Public name clients send as `model`. */
  name: z.string().min(1).max(256).refine((n) => !n.endsWith("/*"), { message: "a route name cannot be a wildcard" }),
  aliases: z.array(z.string().min(1).max(256)).max(64).default([]),
  type: z.enum(["chat", "embeddings"]).default("chat"),
  strategy: z.enum(STRATEGIES).default("failover"),
  targets: z.array(targetSchema).min(1).max(256),
  /** Default per-attempt timeouts of every target. */
  timeouts: timeoutsSchema.prefault({}),
  retry: retrySchema.prefault({}),
  breaker: breakerSchema.prefault({}),
  prefix_affinity: prefixAffinitySchema.prefault({}),
  /** Deadline of one request across all its attempts and backoffs; server.request_timeout_ms still bounds it. */
  deadline_ms: ms(3_600_000).optional(),
  /** Evaluated in order when a client asks for this route; the first match sends the call to another route. */
  rules: z.array(ruleSchema).max(1000).default([]),
});

export const routesSchema = z.array(routeSchema).max(10_000).default([]);

export type TimeoutsConfig = z.output<typeof timeoutsSchema>;
export type RetryConfig = z.output<typeof retrySchema>;
export type BreakerConfig = z.output<typeof breakerSchema>;
export type PrefixAffinityConfig = z.output<typeof prefixAffinitySchema>;
export type ConditionConfig = z.output<typeof conditionSchema>;
export type RuleConfig = z.output<typeof ruleSchema>;
export type TargetConfig = z.output<typeof targetSchema>;
export type RouteConfig = z.output<typeof routeSchema>;
