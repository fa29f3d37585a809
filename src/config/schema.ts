import { z } from "zod";
import { alertsConfigSchema } from "../alerts/rule-schema.js";
import { driftConfigSchema } from "../incidents/drift/drift-schema.js";
import { metricsConfigSchema } from "../observe/metrics/metrics-schema.js";
import { otelConfigSchema } from "../observe/otel/otel-schema.js";
import { priceSchema } from "../observe/price-schema.js";
import { providerSchema } from "../providers/provider-schema.js";
import { modelSchema } from "../routing/model-schema.js";
import { routesSchema } from "../routing/route-schema.js";
import { budgetsSchema, limitsSchema } from "../limits/limits-schema.js";
import { guardConfigSchema } from "../guard/policy/config-schema.js";
import { redisConfigSchema } from "../store/redis-schema.js";
import { postgresConfigSchema, storeUrlSchema } from "../storage/store-schema.js";
import { promptsConfigSchema } from "../prompts/config.js";
import { captureConfigSchema } from "../observe/pii-capture-schema.js";
import { cacheConfigSchema } from "../cache/cache-schema.js";
import { knowledgeConfigSchema } from "../knowledge/knowledge-schema.js";

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
      /** A client must send all request headers within this (slowloris); 408 beyond. */
      headers_timeout_ms: z.int().min(1000).max(600_000).default(15_000),
      /** A client must send the whole request, body included, within this; 408 beyond. Responses (streams) are not bounded by it. */
      body_timeout_ms: z.int().min(1000).max(3_600_000).default(120_000),
      /** Largest request head (request line plus headers), in bytes; 431 beyond. */
      max_header_bytes: z.int().min(1024).max(1024 * 1024).default(16 * 1024),
      /**
       * V8 collects the old generation once it has grown this many percent past its live size
       * (not a cap; 0: V8's own heuristic, up to 300 %). Applied by `keel start` (server/heap-growth.ts).
       */
      heap_growth_percent: z.union([z.literal(0), z.int().min(10).max(300)]).default(50),
    })
    .refine((s) => s.headers_timeout_ms <= s.body_timeout_ms, { message: "headers_timeout_ms must not exceed body_timeout_ms", path: ["headers_timeout_ms"] })
    .prefault({}),
  data_dir: z.string().min(1).default("./.keel"),
  /** "sqlite" (one file in data_dir) or a postgres:// URL shared by every instance (docs/scale-out.md). */
  store: storeUrlSchema,
  postgres: postgresConfigSchema,
  providers: z.array(providerSchema).max(256).default([]),
  models: z.array(modelSchema).max(10_000).default([]),
  /** Public names served by several targets with a strategy, retries and breakers (docs/routing.md). */
  routes: routesSchema,
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
      /** Hourly rollups (summaries, charts) outlive the rows: kept this long; minute rollups go with the rows. */
      rollup_retention_days: z.int().min(1).max(3650).default(400),
      /** Rows deleted per retention step; the writer worker yields to trace batches between steps. */
      prune_batch_rows: z.int().min(100).max(100_000).default(5000),
      /**
       * Nice value of the thread that answers summaries, time series and trace listings (Linux): a
       * read that scans rows for seconds then takes a core only when the gateway's thread does not
       * want it. 0 leaves the thread at the process's priority.
       */
      read_worker_nice: z.int().min(0).max(19).default(10),
    })
    .prefault({}),
  /** Personal data in captured bodies: mask, hash or keep, per route and key (docs/privacy.md). */
  capture: captureConfigSchema,
  /** Rate limits per key, user, team, feature, model (docs/limits.md). */
  limits: limitsSchema,
  /** USD budgets per day and month (docs/limits.md). */
  budgets: budgetsSchema,
  /** The Redis Keel instances share (used when `limits.backend: redis`). */
  redis: redisConfigSchema,
  /** Extra price table entries (model name → USD per 1M tokens) on top of the shipped defaults. */
  prices: z.record(z.string(), priceSchema).default({}),
  /** Serve the simulator as model `sim` even when other providers are configured. */
  sim: z.boolean().default(true),
  /** Guardrail policies: which scanners screen input, output and tool calls, per model, feature or key (docs/guardrails.md). */
  guard: guardConfigSchema,
  /** Prompt registry: protected labels and staged-rollout defaults (docs/prompts.md). */
  prompts: promptsConfigSchema.prefault({}),
  /** Prometheus `/metrics`: whether it is served and how its labels are bounded (docs/observability.md). */
  metrics: metricsConfigSchema,
  /** Alert rules with owners and notification targets, evaluated on an interval (docs/alerts.md). */
  alerts: alertsConfigSchema,
  /** OpenTelemetry: export every gateway call as a GenAI span over OTLP/HTTP (docs/observability.md). */
  otel: otelConfigSchema,
  /** The response cache: exact answers per tenant scope, TTLs, per-route modes (docs/cache.md). */
  cache: cacheConfigSchema,
  /** Upstream drift canary: fixed prompts per model at temperature 0, on an interval (docs/observability.md). */
  drift: driftConfigSchema,
  /** Document stores: upload limit, chunking, fusion, vector index, ingestion screening (docs/knowledge.md). */
  knowledge: knowledgeConfigSchema,
});

export type KeelConfigInput = z.input<typeof configSchema>;
export type KeelConfig = z.output<typeof configSchema>;
