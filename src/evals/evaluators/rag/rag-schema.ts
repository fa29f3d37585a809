import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "../kind.js";
import { judgeOptions } from "../judge/judge-schema.js";

/** `method: lexical` needs nothing; `method: judge` needs `model` and asks the judge. */
const methodOptions = {
  ...judgeOptions,
  model: judgeOptions.model.optional(),
  method: z.enum(["lexical", "judge"]).default("lexical"),
  /** Lexical method: share of a claim's content words a single chunk must contain. */
  support_threshold: z.number().gt(0).max(1).default(0.7),
};
const needsModel = (o: { method: string; model?: string }): boolean => o.method !== "judge" || o.model !== undefined;
const modelMessage = { message: "method judge needs `model`", path: ["model"] };

export const faithfulnessKind = defineEvaluatorKind({
  kind: "faithfulness",
  family: "rag",
  summary: "supported claims / claims of the output, against the retrieved context",
  schema: z.strictObject({ kind: z.literal("faithfulness"), ...commonOptions, ...methodOptions }).refine(needsModel, modelMessage),
});

export const answerRelevanceKind = defineEvaluatorKind({
  kind: "answer_relevance",
  family: "rag",
  summary: "max(0, cos(e(input), e(output))); an empty output scores 0",
  schema: z.strictObject({ kind: z.literal("answer_relevance"), ...commonOptions }),
});

export const contextPrecisionKind = defineEvaluatorKind({
  kind: "context_precision",
  family: "rag",
  summary: "AP = Σ_k P@k·rel_k / Σ_k rel_k over retrieved chunks in rank order",
  schema: z
    .strictObject({
      kind: z.literal("context_precision"),
      ...commonOptions,
      ...judgeOptions,
      model: judgeOptions.model.optional(),
      /** Where relevance labels come from: the item's relevant_context, or a judge. */
      relevance: z.enum(["reference", "judge"]).default("reference"),
    })
    .refine((o) => o.relevance !== "judge" || o.model !== undefined, modelMessage),
});

export const contextRecallKind = defineEvaluatorKind({
  kind: "context_recall",
  family: "rag",
  summary: "|relevant ∩ retrieved| / |relevant|, or supported reference claims / reference claims",
  schema: z.strictObject({ kind: z.literal("context_recall"), ...commonOptions, ...methodOptions }).refine(needsModel, modelMessage),
});
