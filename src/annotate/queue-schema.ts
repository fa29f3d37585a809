import { z } from "zod";

/**
 * What the annotation API accepts (schema only: no store or service code, docs/decisions/0016).
 * A queue is fixed at creation: its items are a snapshot of the traces the filter selected, and
 * its rubric and reviewers do not change under labels already given.
 */

export const queueName = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a letter or digit, then letters, digits, _ . -");
const dimName = z.string().min(1).max(64).regex(/^[A-Za-z][\w-]*$/, "a letter, then letters, digits, _ -");

const nominalScale = z.strictObject({ kind: z.literal("nominal"), labels: z.array(z.string().min(1).max(64)).min(2).max(20) });
const rangeScale = z
  .strictObject({ kind: z.enum(["ordinal", "interval"]), min: z.number().int().min(-1000).max(1000), max: z.number().int().min(-1000).max(1000) })
  .refine((s) => s.max > s.min && s.max - s.min <= 100, { message: "max must exceed min by 1..100", path: ["max"] });
export const scaleSchema = z.union([nominalScale, rangeScale]);
export type Scale = z.output<typeof scaleSchema>;

export const dimensionSchema = z.strictObject({
  name: dimName,
  scale: scaleSchema,
  /**
   * What counts as a good answer on this dimension, for SFT/KTO and for ranking DPO pairs: the
   * passing labels of a nominal scale, or the lowest passing value of a range. Default: the first
   * label, or the upper half of the range.
   */
  pass: z.union([z.array(z.string().min(1).max(64)).min(1).max(20), z.number()]).optional(),
});
export type Dimension = z.output<typeof dimensionSchema>;

/** A dimension's `pass` must be on its own scale: labels of a nominal one, a value in a range. */
function passOnScale(d: Dimension): boolean {
  if (d.pass === undefined) return true;
  if (d.scale.kind === "nominal") return Array.isArray(d.pass) && d.pass.every((p) => (d.scale as { labels: string[] }).labels.includes(p));
  return typeof d.pass === "number" && d.pass >= d.scale.min && d.pass <= d.scale.max;
}

export const rubricSchema = z.strictObject({
  dimensions: z.array(dimensionSchema.refine(passOnScale, { message: "pass must be labels of the scale (nominal) or a value within min..max", path: ["pass"] })).min(1).max(10),
  critique: z.enum(["required", "optional"]).default("optional"),
});
export type Rubric = z.output<typeof rubricSchema>;

export const reviewerSchema = z.strictObject({
  name: z.string().min(1).max(128).regex(/^[\w.@+-]+$/, "letters, digits, _ . @ + -"),
  expertise: z.enum(["expert", "generalist"]),
});
export type Reviewer = z.output<typeof reviewerSchema>;

export const queueFilterSchema = z.strictObject({
  /** The model name the caller asked for (the route). */
  route: z.string().min(1).max(256).optional(),
  /** The model that served the call. */
  model: z.string().min(1).max(256).optional(),
  prompt: z.string().min(1).max(128).optional(),
  prompt_version: z.number().int().min(1).optional(),
  feature: z.string().min(1).max(128).optional(),
  /** Share of the matching traces kept, chosen by a hash of the trace id (the same traces every time). */
  sample: z.number().gt(0).max(1).default(1),
  limit: z.number().int().min(1).max(10_000).default(200),
  since: z.number().int().min(0).optional(),
  /** Only calls a guard scanner flagged (true) or only unflagged ones (false). */
  guard_triggered: z.boolean().optional(),
  /** Only calls with user feedback of this sign: negative = thumbs down or a score below 0.5. */
  feedback: z.enum(["negative", "positive"]).optional(),
  /** Only calls with a score of this name (online rule, judge, API) below this value. */
  score_below: z.strictObject({ name: z.string().min(1).max(128), value: z.number() }).optional(),
});
export type QueueFilter = z.output<typeof queueFilterSchema>;

export const createQueueInput = z
  .strictObject({
    name: queueName,
    description: z.string().max(2000).optional(),
    filter: queueFilterSchema.default({ sample: 1, limit: 200 }),
    rubric: rubricSchema,
    reviewers: z.array(reviewerSchema).min(1).max(100),
    reviewers_per_item: z.number().int().min(1).max(10).default(2),
    /** Krippendorff's alpha (lowest over dimensions) an export needs without `force`. */
    min_agreement: z.number().min(-1).max(1).optional(),
    licence: z.string().min(1).max(128).optional(),
  })
  .refine((q) => q.reviewers_per_item <= q.reviewers.length, { message: "reviewers_per_item exceeds the number of reviewers", path: ["reviewers_per_item"] })
  .refine((q) => new Set(q.reviewers.map((r) => r.name)).size === q.reviewers.length, { message: "reviewer names must be unique", path: ["reviewers"] })
  .refine((q) => new Set(q.rubric.dimensions.map((d) => d.name)).size === q.rubric.dimensions.length, { message: "dimension names must be unique", path: ["rubric"] });
export type CreateQueueInput = z.input<typeof createQueueInput>;

export const labelInput = z.strictObject({
  reviewer: reviewerSchema.shape.name,
  /** One value per rubric dimension: a label of a nominal scale, a number of a range. */
  values: z.record(z.string().max(64), z.union([z.string().max(64), z.number()])),
  critique: z.string().max(20_000).optional(),
  /** A corrected answer: exported as the preferred output (SFT, DPO chosen). */
  correction: z.string().max(100_000).optional(),
});
export type LabelInput = z.output<typeof labelInput>;

export const EXPORT_FORMATS = ["sft", "dpo", "kto", "openai-dpo"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `POST /api/v1/annotate/exports`: rows from one or more sources as one training file (docs/alignment-data.md). */
export const exportRequest = z.strictObject({
  /** `queue:NAME`, `corrections:NAME`, `feedback`, `pairwise:RUN_ID`, `dataset:NAME`. */
  from: z.array(z.string().min(1).max(140)).min(1).max(20),
  format: z.enum(EXPORT_FORMATS),
  force: z.boolean().default(false),
  balance: z.boolean().default(false),
  /** Most share of LLM-judge or synthetic rows (default 0.2): above it the export warns, or with `strict` is refused. */
  max_synthetic_share: z.number().min(0).max(1).optional(),
  strict: z.boolean().default(false),
  output: z.enum(["jsonl", "parquet"]).default("jsonl"),
  /** Licence of rows whose source states none (feedback, eval runs, datasets). */
  licence: z.string().min(1).max(128).optional(),
  /** Feedback: only traces at or after this time (ms). */
  since: z.number().int().min(0).optional(),
  /** Most rows per source. */
  limit: z.number().int().min(1).max(100_000).default(100_000),
});
export type ExportRequest = z.output<typeof exportRequest>;
