import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "../kind.js";
import { judgeOptions } from "./judge-schema.js";

const scaleSchema = z
  .strictObject({ min: z.int().min(0).max(100).default(1), max: z.int().min(1).max(100).default(5) })
  .refine((s) => s.max > s.min, { message: "max must be greater than min" });

export const rubricKind = defineEvaluatorKind({
  kind: "judge_rubric",
  family: "judge",
  summary: "an LLM judge rates the output on an integer scale by `criteria` and `steps`; score = (r − min)/(max − min)",
  schema: z.strictObject({
    kind: z.literal("judge_rubric"),
    ...commonOptions,
    ...judgeOptions,
    criteria: z.string().min(1).max(8000),
    steps: z.array(z.string().min(1).max(2000)).max(20).default([]),
    scale: scaleSchema.prefault({}),
    /** Show the item's expected output to the judge as a reference. */
    use_reference: z.boolean().default(false),
  }),
});
