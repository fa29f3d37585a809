import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "./kind.js";
import { judgeOptions } from "./judge/judge-schema.js";

export const agentStepsKind = defineEvaluatorKind({
  kind: "agent_steps",
  family: "agent",
  summary: "scores each step of an agent trajectory; score = good steps before the first bad one / steps; names the first bad step",
  schema: z
    .strictObject({
      kind: z.literal("agent_steps"),
      ...commonOptions,
      ...judgeOptions,
      model: judgeOptions.model.optional(),
      method: z.enum(["judge", "reference"]).default("judge"),
      criteria: z.string().max(4000).default("The step is correct, necessary and moves the task forward given what came before."),
      /** Judge mode: stop asking after the first bad step (later steps cannot change the score). */
      stop_at_first_bad: z.boolean().default(true),
    })
    .refine((o) => o.method !== "judge" || o.model !== undefined, { message: "method judge needs `model`", path: ["model"] }),
});
