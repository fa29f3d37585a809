import { z } from "zod";
import { agentStepsKind } from "./agent-steps-schema.js";
import { costKind, latencyKind } from "./bounds-schema.js";
import { levenshteinKind, rougeLKind } from "./edit-distance-schema.js";
import { embeddingSimilarityKind } from "./embedding-similarity-schema.js";
import { jsonFieldKind, jsonSchemaKind } from "./json-checks-schema.js";
import { correctnessKind } from "./judge/correctness-schema.js";
import { pairwiseKind } from "./judge/pairwise-schema.js";
import { rubricKind } from "./judge/rubric-schema.js";
import type { EvaluatorKind } from "./kind.js";
import { numericKind } from "./numeric-schema.js";
import { citationPrecisionKind } from "./rag/citation-schema.js";
import { answerRelevanceKind, contextPrecisionKind, contextRecallKind, faithfulnessKind } from "./rag/rag-schema.js";
import { containsKind, exactKind, regexKind } from "./string-match-schema.js";
import { toolCallKind } from "./tool-calls-schema.js";

/**
 * Every evaluator kind Keel ships, schemas only: what suites, online rules and the drift canary's
 * `evaluators:` parse. No evaluator code is loaded from here (config/ imports it); `registry.ts`
 * pairs each kind with its factory, and its contract test checks the two lists agree.
 */
export const EVALUATOR_KINDS = [
  exactKind, containsKind, regexKind, jsonSchemaKind, jsonFieldKind, numericKind, levenshteinKind, rougeLKind, toolCallKind,
  latencyKind, costKind, embeddingSimilarityKind, rubricKind, pairwiseKind, correctnessKind,
  faithfulnessKind, answerRelevanceKind, contextPrecisionKind, contextRecallKind, agentStepsKind,
  citationPrecisionKind,
] as const;

/** One evaluator entry of a suite or online rule, validated by its kind's own schema. */
export const evaluatorConfigSchema = z.discriminatedUnion("kind", EVALUATOR_KINDS.map((s) => s.schema) as unknown as [
  (typeof EVALUATOR_KINDS)[number]["schema"],
  ...(typeof EVALUATOR_KINDS)[number]["schema"][],
]);
export type EvaluatorConfig = z.output<typeof evaluatorConfigSchema>;
export type EvaluatorConfigInput = z.input<typeof evaluatorConfigSchema>;

const BY_KIND = new Map<string, EvaluatorKind>(EVALUATOR_KINDS.map((s) => [s.kind, s as unknown as EvaluatorKind]));

/** Does any of these configs need a judge client / an embedder? Lets callers build only what is used. */
export function needsOf(configs: readonly EvaluatorConfig[]): { judge: boolean; embedder: boolean } {
  let judge = false;
  let embedder = false;
  for (const c of configs) {
    const family = BY_KIND.get(c.kind)!.family;
    const o = c as { method?: string; relevance?: string };
    if (family === "judge" || o.method === "judge" || o.relevance === "judge") judge = true;
    if (family === "embedding" || c.kind === "answer_relevance") embedder = true;
  }
  return { judge, embedder };
}
