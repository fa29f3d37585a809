import { z } from "zod";
import { evaluatorConfigSchema, needsOf } from "../../evals/evaluators/config-schema.js";

const promptSchema = z.strictObject({
  /** Stable id: the baseline is kept per (model, id), so renaming a prompt starts a new baseline. */
  id: z.string().regex(/^[\w.-]{1,64}$/, "letters, digits, '_', '.', '-' (≤ 64)"),
  /** Sent as the only user message (with `system`, if given), at temperature 0. */
  text: z.string().min(1).max(8000),
  system: z.string().max(8000).optional(),
  max_tokens: z.int().min(1).max(4096).default(256),
  /** The reference answer, for evaluators that compare with one (exact, contains, levenshtein, …). */
  expected: z.string().max(8000).optional(),
});

/** `drift:` in keel.yaml — the scheduled canary suite against silent upstream updates (docs/observability.md#upstream-drift). */
export const driftConfigSchema = z
  .strictObject({
    /** Public model names (or routes) to probe; empty: the canary is off. */
    models: z.array(z.string().min(1).max(256)).max(100).default([]),
    prompts: z.array(promptSchema).max(100).default([]),
    /** How often the suite runs, on a timer off the request path. */
    interval_s: z.int().min(60).max(7 * 86_400).default(3600),
    thresholds: z
      .strictObject({
        /** A prompt's answer drifted when its embedding cosine similarity to the baseline is below this. */
        min_similarity: z.number().min(0).max(1).default(0.9),
        /** A model drifted when more than this share of its prompts drifted (0: any one prompt). */
        max_drifted_share: z.number().min(0).max(1).default(0),
        /** A model drifted: an evaluator's mean score fell by at least this much against the baseline's. */
        max_score_drop: z.number().positive().max(1).default(0.2),
      })
      .prefault({}),
    /** Optional evaluators scoring each answer (deterministic and embedding kinds; judges need a model, not offered here). */
    evaluators: z.array(evaluatorConfigSchema).max(20).default([]),
    /** The alert a drift raises: same owner rule and targets as alert rules (docs/alerts.md). */
    owner: z.string().trim().min(1, "the drift canary must name an owner").max(256).optional(),
    notify: z
      .strictObject({
        webhook: z.strictObject({ url: z.url({ protocol: /^https?$/ }), secret_credential: z.string().min(1).max(128) }).optional(),
        log: z.boolean().default(true),
      })
      .prefault({}),
  })
  .superRefine((d, ctx) => {
    if (d.models.length > 0 && d.prompts.length === 0) ctx.addIssue({ code: "custom", path: ["prompts"], message: "the drift canary needs at least one prompt" });
    if (d.models.length > 0 && !d.owner) ctx.addIssue({ code: "custom", path: ["owner"], message: "the drift canary must name an owner" });
    if (needsOf(d.evaluators).judge) ctx.addIssue({ code: "custom", path: ["evaluators"], message: "judge evaluators are not supported by the drift canary; use deterministic or embedding evaluators" });
    const names = d.evaluators.map((e) => (e as { name?: string }).name ?? e.kind);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: "custom", path: ["evaluators"], message: "evaluator names must be unique (set `name` to tell them apart)" });
  })
  .prefault({});
export type DriftConfig = z.output<typeof driftConfigSchema>;
