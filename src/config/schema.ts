import { z } from "zod";
import { openaiOptionsSchema } from "../providers/openai/options.js";
import { anthropicOptionsSchema } from "../providers/anthropic/options.js";
import { simOptionsSchema } from "../providers/sim/options.js";
import { localEmbeddingsOptionsSchema } from "../providers/embeddings/options.js";

/** Each provider kind owns its options schema; the config only names the union. */
export const providerSchema = z.discriminatedUnion("kind", [
  openaiOptionsSchema,
  anthropicOptionsSchema,
  simOptionsSchema,
  localEmbeddingsOptionsSchema,
]);

/** USD per one million tokens. */
export const priceSchema = z.strictObject({
  input: z.number().min(0).max(10_000),
  output: z.number().min(0).max(10_000),
  cached_input: z.number().min(0).max(10_000).optional(),
  cache_write: z.number().min(0).max(10_000).optional(),
});

export const modelSchema = z.strictObject({
  /** Public name clients send. A trailing `/*` (e.g. `openai/*`) forwards the rest of the name upstream. */
  name: z.string().min(1).max(256),
  provider: z.string().min(1),
  /** Upstream model name; defaults to `name` (or the wildcard's tail). */
  model: z.string().min(1).max(256).optional(),
  aliases: z.array(z.string().min(1).max(256)).max(64).default([]),
  /** Overrides the shipped price table. */
  price: priceSchema.optional(),
  /** What the model serves: chat completions or embeddings. */
  type: z.enum(["chat", "embeddings"]).default("chat"),
});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      port: z.int().min(0).max(65_535).default(4000),
      host: z.string().min(1).default("127.0.0.1"),
      /** Largest request body accepted, in bytes (413 beyond). */
      max_body_bytes: z.int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
      /** Total deadline for one request, streams included. */
      request_timeout_ms: z.int().min(1000).max(3_600_000).default(600_000),
      /** On SIGTERM/SIGINT: how long in-flight requests and streams may take to finish. */
      shutdown_grace_ms: z.int().min(0).max(600_000).default(10_000),
    })
    .prefault({}),
  data_dir: z.string().min(1).default("./.keel"),
  providers: z.array(providerSchema).max(256).default([]),
  models: z.array(modelSchema).max(10_000).default([]),
  traces: z
    .strictObject({
      /** What of request and response bodies is stored: everything, secrets masked, or nothing. */
      capture: z.enum(["full", "redacted", "none"]).default("redacted"),
      /** Longest body kept per trace, in characters; longer ones are truncated and marked. */
      max_body_chars: z.int().min(0).max(10_000_000).default(64_000),
      batch_size: z.int().min(1).max(10_000).default(256),
      flush_interval_ms: z.int().min(10).max(60_000).default(250),
      /** Traces beyond this many queued are dropped (and counted) rather than grow memory without bound. */
      max_queue: z.int().min(100).max(1_000_000).default(50_000),
      retention_days: z.int().min(1).max(3650).default(30),
    })
    .prefault({}),
  /** Extra price table entries (model name → USD per 1M tokens) on top of the shipped defaults. */
  prices: z.record(z.string(), priceSchema).default({}),
  /** Serve the simulator as model `sim` even when other providers are configured. */
  sim: z.boolean().default(true),
});

export type KeelConfigInput = z.input<typeof configSchema>;
export type KeelConfig = z.output<typeof configSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
export type ModelConfig = z.output<typeof modelSchema>;
export type PriceConfig = z.output<typeof priceSchema>;
