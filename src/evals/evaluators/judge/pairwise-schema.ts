import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "../kind.js";
import { judgeOptions } from "./judge-schema.js";

export const pairwiseKind = defineEvaluatorKind({
  kind: "judge_pairwise",
  family: "judge",
  summary: "an LLM judge compares output and baseline in both orders; score = mean of win 1 / tie ½ / loss 0 over the two orders",
  schema: z.strictObject({
    kind: z.literal("judge_pairwise"),
    ...commonOptions,
    ...judgeOptions,
    criteria: z.string().min(1).max(8000),
  }),
});
