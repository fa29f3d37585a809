import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "./kind.js";

export const latencyKind = defineEvaluatorKind({
  kind: "latency",
  family: "deterministic",
  summary: "1 when the target's latency is at most `max_ms`",
  schema: z.strictObject({ kind: z.literal("latency"), ...commonOptions, max_ms: z.number().positive() }),
});

export const costKind = defineEvaluatorKind({
  kind: "cost",
  family: "deterministic",
  summary: "1 when the target call cost at most `max_usd`",
  schema: z.strictObject({ kind: z.literal("cost"), ...commonOptions, max_usd: z.number().min(0) }),
});
