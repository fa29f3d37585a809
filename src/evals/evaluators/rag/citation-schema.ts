import { z } from "zod";
import { commonOptions, defineEvaluatorKind } from "../kind.js";
import { judgeOptions } from "../judge/judge-schema.js";

/** Citation precision: each citation of the output checked against the item's retrieved context (numbered 1…n). */
export const citationPrecisionKind = defineEvaluatorKind({
  kind: "citation_precision",
  family: "rag",
  summary: "supported citations / citations of the output; details give the fabricated share",
  schema: z
    .strictObject({
      kind: z.literal("citation_precision"),
      ...commonOptions,
      ...judgeOptions,
      model: judgeOptions.model.optional(),
      method: z.enum(["lexical", "judge"]).default("lexical"),
      /** Lexical method: share of a cited sentence's content words the cited chunk must contain. */
      support_threshold: z.number().gt(0).max(1).default(0.7),
    })
    .refine((o) => o.method !== "judge" || o.model !== undefined, { message: "method judge needs `model`", path: ["model"] }),
});
