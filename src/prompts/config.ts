import { z } from "zod";
import { labelSchema } from "./prompt-content.js";

const steps = z
  .array(z.number().gt(0).max(100))
  .min(1)
  .max(20)
  .refine((s) => s.every((v, i) => i === 0 || v > s[i - 1]), "steps must increase")
  .refine((s) => s.at(-1) === 100, "the last step must be 100");

const thresholds = z.strictObject({
  error_rate: z.number().min(0).max(1).default(0.02),
  latency: z.number().min(0).max(100).default(0.25),
  cost: z.number().min(0).max(100).default(0.25),
  guard_trigger_rate: z.number().min(0).max(1).default(0.02),
  score: z.number().min(0).max(1e6).default(0.05),
});

const rollout = z.strictObject({
  /** Percent of traffic on the new version at each step. */
  steps: steps.default([5, 25, 100]),
  min_samples: z.int().min(10).max(1_000_000).default(100),
  alpha: z.number().gt(0).max(0.2).default(0.05),
  max_looks: z.int().min(1).max(50).default(10),
  /** 0: steps advance only on `promote`. */
  auto_advance_ms: z.int().min(0).max(30 * 86_400_000).default(0),
  /** How often running rollouts are checked for a scheduled comparison or a due step. */
  evaluate_interval_ms: z.int().min(20).max(600_000).default(1000),
  thresholds: thresholds.prefault({}),
});

/** The `prompts:` section of keel.yaml. */
export const promptsConfigSchema = z.strictObject({
  /** Labels only the admin role may move (push with them, set, roll back, roll out). */
  protected_labels: z.array(labelSchema).max(64).default(["production"]),
  rollout: rollout.prefault({}),
});

export type PromptsConfig = z.output<typeof promptsConfigSchema>;

/** What `rollout start` may override for one rollout; the rest comes from the config. */
export const rolloutOverridesSchema = z.strictObject({
  steps: steps.optional(),
  min_samples: z.int().min(10).max(1_000_000).optional(),
  alpha: z.number().gt(0).max(0.2).optional(),
  max_looks: z.int().min(1).max(50).optional(),
  auto_advance_ms: z.int().min(0).max(30 * 86_400_000).optional(),
  thresholds: thresholds.partial().optional(),
});
