import { z } from "zod";

/** What a rule watches: a field of a slice summary (docs/observability.md#summaries). */
export const ALERT_METRICS = [
  "error_rate", "latency_p50_ms", "latency_p95_ms", "ttft_p50_ms", "ttft_p95_ms", "tokens_per_s_p50",
  "cost_per_request_usd", "cache_hit_rate", "guard_trigger_rate", "score_mean", "feedback_mean", "requests",
] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

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
    metric: z.enum(ALERT_METRICS),
    /** For `score_mean`: which eval score (e.g. `helpfulness`). */
    score: z.string().max(128).optional(),
    slice: sliceSchema.default({}),
    window_s: z.int().min(10).max(30 * 86_400).default(300),
    threshold: thresholdSchema.optional(),
    change: changeSchema.optional(),
    /** Fewer calls (or scores) than this in a window: the rule is not evaluated. */
    min_samples: z.int().min(1).max(1_000_000).default(20),
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
  });

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
