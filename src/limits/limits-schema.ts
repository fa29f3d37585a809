import { z } from "zod";

/**
 * The `limits:` and `budgets:` sections of keel.yaml (docs/limits.md). A rule names a `scope` — the
 * attributes whose values pick its counter (`[key]`: one counter per virtual key; `[key, model]`:
 * one per key and model) — and optionally a `match` that restricts it to some values.
 */

export const DIMENSIONS = ["key", "user", "team", "feature", "model"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

const ruleName = z.string().min(1).max(64).regex(/^[\w.-]+$/, "letters, digits, _ . - only");

const scopeSchema = z
  .array(z.enum(DIMENSIONS))
  .min(1)
  .max(DIMENSIONS.length)
  .refine((s) => new Set(s).size === s.length, "each attribute at most once");

const matchValue = z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1).max(1000)]);
/** Only calls whose attributes equal (one of) these values count against the rule. */
const matchSchema = z.strictObject({
  key: matchValue.optional(),
  user: matchValue.optional(),
  team: matchValue.optional(),
  feature: matchValue.optional(),
  model: matchValue.optional(),
});

export const rateRuleSchema = z
  .strictObject({
    /** Named in 429 messages and used in counter keys; defaults to the scope joined with `+`. */
    name: ruleName.optional(),
    scope: scopeSchema,
    match: matchSchema.optional(),
    /** Requests per minute. */
    rpm: z.int().min(1).max(1_000_000_000).optional(),
    /** Tokens per minute: prompt + completion, reserved at admission, settled on actual usage. */
    tpm: z.int().min(1).max(1_000_000_000_000).optional(),
    /** Requests in flight at once. */
    concurrency: z.int().min(1).max(1_000_000).optional(),
  })
  .refine((r) => r.rpm !== undefined || r.tpm !== undefined || r.concurrency !== undefined, "set at least one of rpm, tpm, concurrency");

// Money is counted in integer nano-USD: $1M per period keeps every sum exact in a double.
const usd = z.number().positive().max(1_000_000);
const threshold = z.number().gt(0).max(1);

export const budgetRuleSchema = z
  .strictObject({
    name: ruleName.optional(),
    scope: scopeSchema,
    match: matchSchema.optional(),
    /** USD per UTC day. */
    daily_usd: usd.optional(),
    /** USD per UTC calendar month. */
    monthly_usd: usd.optional(),
    /** Overrides `budgets.soft_threshold` for this rule. */
    soft_threshold: threshold.optional(),
  })
  .refine((r) => r.daily_usd !== undefined || r.monthly_usd !== undefined, "set daily_usd, monthly_usd or both");

function uniqueNames(rules: readonly { name?: string; scope: readonly string[] }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const name = ruleNameOf(r);
    if (seen.has(name)) {
      ctx.addIssue({ code: "custom", path: ["rules", i, "name"], message: `duplicate rule name "${name}" (give each rule with this scope its own name)` });
    }
    seen.add(name);
  });
}

export const limitsSchema = z
  .strictObject({
    /** Where counters live: in this process, or in Redis (`redis:`) shared by every Keel instance. */
    backend: z.enum(["memory", "redis"]).default("memory"),
    /** When Redis fails at run time: refuse calls with 503 (`closed`) or let them through unlimited (`open`). */
    on_redis_error: z.enum(["closed", "open"]).default("closed"),
    /** Completion tokens reserved for a call that sets neither max_tokens nor max_completion_tokens. */
    default_max_tokens: z.int().min(1).max(10_000_000).default(4096),
    rules: z.array(rateRuleSchema).max(1000).default([]),
  })
  .superRefine((l, ctx) => uniqueNames(l.rules, ctx))
  .prefault({});

export const budgetsSchema = z
  .strictObject({
    /** Share of a budget at which a `soft_threshold` event is raised (once per budget and period). */
    soft_threshold: threshold.default(0.8),
    rules: z.array(budgetRuleSchema).max(1000).default([]),
  })
  .superRefine((b, ctx) => uniqueNames(b.rules, ctx))
  .prefault({});

export type RateRuleConfig = z.output<typeof rateRuleSchema>;
export type BudgetRuleConfig = z.output<typeof budgetRuleSchema>;
export type LimitsConfig = z.output<typeof limitsSchema>;
export type BudgetsConfig = z.output<typeof budgetsSchema>;

export function ruleNameOf(r: { name?: string; scope: readonly string[] }): string {
  return r.name ?? r.scope.join("+");
}
