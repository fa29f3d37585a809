import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "./kind.js";

export const toolCallKind = defineEvaluatorKind({
  kind: "tool_call",
  family: "deterministic",
  summary: "Σ per-call scores / max(|expected|, |actual|); a call scores the share of expected arguments matched, 0 on a wrong name",
  schema: z.strictObject({
    kind: z.literal("tool_call"),
    ...commonOptions,
    ordered: z.boolean().default(true),
    /** Arguments must equal exactly (no extra keys) instead of containing the expected ones. */
    exact_arguments: z.boolean().default(false),
  }),
});
