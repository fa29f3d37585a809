import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "../kind.js";
import { judgeOptions } from "./judge-schema.js";

export const correctnessKind = defineEvaluatorKind({
  kind: "judge_correctness",
  family: "judge",
  summary: "an LLM judge checks the output against the reference: correct 1, partially_correct ½, incorrect 0",
  schema: z.strictObject({
    kind: z.literal("judge_correctness"),
    ...commonOptions,
    ...judgeOptions,
    /** Extra guidance, e.g. "numbers must match to two decimals". */
    instructions: z.string().max(4000).optional(),
  }),
});
