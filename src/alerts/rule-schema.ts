import { z } from "zod";

/** What a rule watches: a field of a slice summary (docs/observability.md#summaries). */
export const ALERT_METRICS = [
  "error_rate", "latency_p50_ms", "latency_p95_ms", "ttft_p50_ms", "ttft_p95_ms", "tokens_per_s_p50",
  "cost_per_request_usd", "cache_hit_rate", "guard_trigger_rate", "score_mean", "feedback_mean", "requests",
] as const;
/**
 * What an engine rule watches: a scraped figure of the self-hosted engines (docs/engines.md), read
 * from the scraper's last fresh scrape — never from traces, and never on the request path.
 */
export const ENGINE_ALERT_METRICS = [
  "engine_kv_cache_usage", "engine_spec_acceptance_rate", "engine_spec_mean_acceptance_length", "engine_requests_waiting",
  "engine_requests_running", "engine_prefix_cache_hit_rate", "engine_preemptions", "engine_ttft_p95_ms", "engine_itl_p95_ms",
] as const;
export type EngineAlertMetric = (typeof ENGINE_ALERT_METRICS)[number];
/**
 * What a knowledge rule watches: the stale-retrieval rate of the vector store search API (stale ÷
 * all results served in the window), from the counters behind /metrics — per instance, never from traces.
 */
export const KNOWLEDGE_ALERT_METRICS = ["knowledge_stale_retrieval_rate"] as const;
export type KnowledgeAlertMetric = (typeof KNOWLEDGE_ALERT_METRICS)[number];
export type AlertMetric = (typeof ALERT_METRICS)[number] | EngineAlertMetric | KnowledgeAlertMetric;
export const isEngineMetric = (m: string): m is EngineAlertMetric => m.startsWith("engine_");
export const isKnowledgeMetric = (m: string): m is KnowledgeAlertMetric => m.startsWith("knowledge_");

/** Which engines an engine rule reads, and an extra condition. */
const engineRuleSchema = z.strictObject({
  /** One target (`provider/model`, as GET /api/v1/targets lists it); omitted: every target with an engine, breached when any is. */
  target: z.string().min(1).max(512).optional(),
  /** Breached only when the engine also preempted requests since its previous scrape ("KV usage above 95% with preemptions"). */
  with_preemptions: z.boolean().default(false),
});

const sliceSchema = z.strictObject({
  model: z.string().max(256).optional(),
  route: z.string().max(256).optional(),
  prompt_version: z.string().max(256).optional(),
  key: z.string().max(128).optional(),
  user: z.string().max(128).optional(),
  feature: z.string().max(128).optional(),
});

const thresholdSchema = z.strictObject({
  op: z.enum([">", ">=", "<", "<="]),
  value: z.number(),
});

/** Relative change of the current window against a baseline window that ends where it starts (or `offset_s` earlier). */
const changeSchema = z.strictObject({
  direction: z.enum(["up", "down"]),
  /** 0.2 = a 20 % move in `direction`. */
  by: z.number().positive().max(100),
  baseline_window_s: z.int().min(60).max(90 * 86_400).optional(),
  offset_s: z.int().min(0).max(90 * 86_400).default(0),
});

export const alertRuleSchema = z
  .strictObject({
    name: z.string().regex(/^[\w.-]{1,128}$/, "letters, digits, '_', '.', '-' (≤ 128)"),
    description: z.string().max(2000).optional(),
    /** Who is paged. Keel refuses a rule without one. */
    owner: z.string().trim().min(1, "every alert rule must name an owner").max(256),
    metric: z.enum([...ALERT_METRICS, ...ENGINE_ALERT_METRICS, ...KNOWLEDGE_ALERT_METRICS]),
    /** For `engine_*` metrics: which engines, and whether preemptions must accompany the breach. */
    engine: engineRuleSchema.optional(),
    /** For `score_mean`: which eval score (e.g. `helpfulness`). */
    score: z.string().max(128).optional(),
    slice: sliceSchema.default({}),
    window_s: z.int().min(10).max(30 * 86_400).default(300),
    threshold: thresholdSchema.optional(),
    change: changeSchema.optional(),
    /** Fewer calls (or scores) than this in a window: the rule is not evaluated. Engine rules: fresh engines, default 1. */
    min_samples: z.int().min(1).max(1_000_000).optional(),
    /** Breached this long before pending turns firing (0: fire at once). */
    for_s: z.int().min(0).max(86_400).default(0),
    notify: z.strictObject({
      /** Receives a JSON payload signed with HMAC-SHA256 over the body (`x-keel-signature: sha256=<hex>`). */
      webhook: z.strictObject({
        url: z.url({ protocol: /^https?$/ }),
        /** Name of a stored credential (`keel credentials set`) holding the HMAC secret. */
        secret_credential: z.string().min(1).max(128),
      }).optional(),
      /** Also write each notification to Keel's log (warn). */
      log: z.boolean().default(true),
    }),
  })
  .superRefine((r, ctx) => {
    if (!r.threshold === !r.change) ctx.addIssue({ code: "custom", path: ["threshold"], message: "give exactly one of threshold or change" });
    if (r.metric === "score_mean" && !r.score) ctx.addIssue({ code: "custom", path: ["score"], message: "metric score_mean needs the score's name" });
    if (!r.notify.webhook && !r.notify.log) ctx.addIssue({ code: "custom", path: ["notify"], message: "a rule needs a notification target: a webhook, the log, or both" });
    const engine = isEngineMetric(r.metric);
    if (engine && r.change) ctx.addIssue({ code: "custom", path: ["change"], message: "engine metrics take a threshold (they have no stored history to compare with)" });
    if (!engine && r.engine) ctx.addIssue({ code: "custom", path: ["engine"], message: "engine: goes with an engine_* metric" });
    if (engine && Object.values(r.slice).some((v) => v !== undefined)) ctx.addIssue({ code: "custom", path: ["slice"], message: "engine metrics are per target: use engine.target, not slice" });
    if (isKnowledgeMetric(r.metric) && Object.values(r.slice).some((v) => v !== undefined)) ctx.addIssue({ code: "custom", path: ["slice"], message: "knowledge metrics count every search of the instance: they take no slice" });
  })
  // Engine rules count engines, not calls: one fresh engine is enough by default.
  .transform((r) => ({ ...r, min_samples: r.min_samples ?? (isEngineMetric(r.metric) ? 1 : 20) }));

export type AlertRule = z.output<typeof alertRuleSchema>;

/** `alerts.delivery`: how webhook notifications (rules and the drift canary) are retried (docs/alerts.md#delivery). */
export const deliveryConfigSchema = z
  .strictObject({
    /** Attempts in all, the first included; 1 turns retries off. */
    attempts: z.int().min(1).max(10).default(5),
    /** The first retry's backoff window; each further one doubles it (full jitter: a uniform wait within the window). */
    base_delay_ms: z.int().min(100).max(60_000).default(1000),
    /** Cap on one wait, including a `Retry-After` the receiver asks for. */
    max_delay_ms: z.int().min(1000).max(600_000).default(60_000),
    /** Per attempt. */
    timeout_ms: z.int().min(1000).max(60_000).default(10_000),
    /** On shutdown, how long to wait for deliveries in flight before giving up on them (logged). */
    shutdown_wait_ms: z.int().min(0).max(60_000).default(5000),
  })
  .refine((d) => d.max_delay_ms >= d.base_delay_ms, { path: ["max_delay_ms"], message: "must be at least base_delay_ms" })
  .prefault({});

/** `alerts:` in keel.yaml. */
export const alertsConfigSchema = z
  .strictObject({
    /** How often the evaluator runs (off the request path). */
    interval_s: z.int().min(1).max(3600).default(60),
    rules: z.array(alertRuleSchema).max(1000).default([]),
    delivery: deliveryConfigSchema,
  })
  .prefault({});
export type AlertsConfig = z.output<typeof alertsConfigSchema>;
