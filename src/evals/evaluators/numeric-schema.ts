import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "./kind.js";

export const numericKind = defineEvaluatorKind({
  kind: "numeric",
  family: "deterministic",
  summary: "1 when the first number in the output is within max(abs, rel·|expected|) of the expected number",
  schema: z.strictObject({
    kind: z.literal("numeric"),
    ...commonOptions,
    abs: z.number().min(0).default(0),
    rel: z.number().min(0).default(0),
  }),
});
