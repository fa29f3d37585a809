import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "./kind.js";

export const levenshteinKind = defineEvaluatorKind({
  kind: "levenshtein",
  family: "deterministic",
  summary: "1 − d/max(|output|, |reference|), d the Levenshtein distance in code points",
  schema: z.strictObject({
    kind: z.literal("levenshtein"),
    ...commonOptions,
    case_sensitive: z.boolean().default(true),
  }),
});

export const rougeLKind = defineEvaluatorKind({
  kind: "rouge_l",
  family: "deterministic",
  summary: "ROUGE-L F_β over lower-cased word tokens (LCS-based; β = 1)",
  schema: z.strictObject({
    kind: z.literal("rouge_l"),
    ...commonOptions,
    beta: z.number().positive().max(100).default(1),
  }),
});
